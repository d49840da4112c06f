package dev.tunekit.cli;

import dev.tunekit.bench.ForwardBenchmark;
import dev.tunekit.bench.Shapes;
import dev.tunekit.bench.TrainBenchmark;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit bench}: throughput of the DistilBERT-base shape on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Forward-pass throughput, DistilBERT-base shape, random weights, RT-like lengths.")
final class BenchCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Spec CommandSpec spec;

  @Option(names = "--precision", defaultValue = "fp32,bf16", split = ",", paramLabel = "fp32|bf16",
      description = "Precisions to measure (default: ${DEFAULT-VALUE}).")
  List<String> precisions = new ArrayList<>();

  @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N")
  int batchSize;

  @Option(names = "--steps", defaultValue = "12", paramLabel = "N", description = "Timed steps (median reported).")
  int steps;

  @Option(names = "--warmup", defaultValue = "3", paramLabel = "N")
  int warmup;

  @Option(names = "--mode", defaultValue = "forward", split = ",", paramLabel = "forward|finetune",
      description = "What to measure (default: ${DEFAULT-VALUE}).")
  List<String> modes = new ArrayList<>();

  @Override
  public Integer call() {
    Engine.start(common.threads);
    var out = spec.commandLine().getOut();
    out.printf("DistilBERT-base shape, random weights, batch %d, RT-like lengths, %d threads, median of %d steps%n",
        batchSize, Engine.threads(), steps);
    out.printf("%-9s %-9s %12s %10s %10s%n", "mode", "precision", "samples/s", "step ms", "peak MB");
    for (String mode : modes) {
      for (String p : precisions) {
        Precision precision = Precision.parse(p);
        var batches = Shapes.rtLikeBatches(warmup + steps, batchSize, 1234);
        switch (mode) {
          case "forward" -> {
            var r = new ForwardBenchmark(Shapes.distilbertBase(), 1234).run(precision, batches, warmup);
            out.printf("%-9s %-9s %12.1f %10.1f %10s%n", mode, p, r.samplesPerSecond(), r.medianStepMillis(), "");
          }
          case "finetune" -> {
            var r = TrainBenchmark.run(TrainBenchmark.fullFineTuning(Shapes.distilbertBase(), 1234), precision, batches, warmup);
            out.printf("%-9s %-9s %12.1f %10.1f %10.0f%n", mode, p, r.samplesPerSecond(), r.medianStepMillis(), r.peakRssMb());
          }
          default -> throw new dev.tunekit.TunekitException("--mode " + mode + " is unknown; use forward or finetune");
        }
        out.flush();
      }
    }
    return 0;
  }
}
