package dev.tunekit.cli;

import dev.tunekit.bench.ForwardBenchmark;
import dev.tunekit.bench.Shapes;
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

  @Override
  public Integer call() {
    Engine.start(common.threads);
    var out = spec.commandLine().getOut();
    ForwardBenchmark bench = new ForwardBenchmark(Shapes.distilbertBase(), 1234);
    out.printf("forward, DistilBERT-base shape, batch %d, %d threads, median of %d steps%n",
        batchSize, Engine.threads(), steps);
    out.printf("%-9s %12s %12s %10s%n", "precision", "samples/s", "tokens/s", "step ms");
    for (String p : precisions) {
      Precision precision = Precision.parse(p);
      var r = bench.run(precision, Shapes.rtLikeBatches(warmup + steps, batchSize, 1234), warmup);
      out.printf("%-9s %12.1f %12.0f %10.1f%n", p, r.samplesPerSecond(), r.tokensPerSecond(), r.medianStepMillis());
    }
    return 0;
  }
}
