package dev.tunekit.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.AtomicFile;
import dev.tunekit.bench.BenchSuite;
import dev.tunekit.tensors.Engine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit bench}: throughput of the DistilBERT-base shape, optionally side by side with PyTorch. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Samples/s, GFLOP/s and share of the matmul ceiling for the DistilBERT-base shape (random weights, "
        + "batches with Rotten-Tomatoes-like lengths); --reference runs the PyTorch reference on the same settings, each mode right after tunekit's.")
final class BenchCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Spec CommandSpec spec;

  @Option(names = "--mode", defaultValue = "forward,finetune,lora", split = ",", paramLabel = "forward|features|finetune|lora",
      description = "What to measure (default: ${DEFAULT-VALUE}).")
  List<String> modes = new ArrayList<>();

  @Option(names = "--precision", defaultValue = "fp32,bf16", split = ",", paramLabel = "fp32|bf16",
      description = "Precisions (default: ${DEFAULT-VALUE}).")
  List<String> precisions = new ArrayList<>();

  @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N")
  int batchSize;

  @Option(names = "--steps", defaultValue = "12", paramLabel = "N", description = "Timed steps; the median is reported.")
  int steps;

  @Option(names = "--warmup", defaultValue = "3", paramLabel = "N")
  int warmup;

  @Option(names = "--reference", description = "Also run ../shared/reference/bench_distilbert.py (python3-torch) and print ratios.")
  boolean reference;

  @Option(names = "--shared", defaultValue = "../shared", paramLabel = "DIR", description = "Where the reference lives.")
  Path shared;

  @Option(names = "--json", paramLabel = "FILE", description = "Write every figure as JSON.")
  Path json;

  @Option(names = "--model", paramLabel = "CONFIG|DIR", description = "The shape: a config.json or a model folder "
      + "(random weights of that shape; default: distilbert-base-uncased's shape).")
  Path model;

  @Option(names = "--lengths", defaultValue = "synthetic", paramLabel = "synthetic|rt",
      description = "synthetic: the reference's lengths, round(N(27, 12)) in [3, 70] (default); rt: batches drawn "
          + "from the real tokenized Rotten Tomatoes train split.")
  String lengths;

  @Option(names = "--group-by-length", description = "Time tunekit's training and inference on length-grouped "
      + "batches (the same length distribution, sorted into batches of similar lengths, as --group-by-length "
      + "trains); rates are then whole-run rates. The reference keeps its padded random batches.")
  boolean groupByLength;

  @Option(names = "--rounds", defaultValue = "1", paramLabel = "N", description = "Repeat everything N times "
      + "and report medians (with --reference: the median of the per-round ratios).")
  int rounds;

  @Override
  public Integer call() {
    Engine.start(common.threads);
    boolean needsTokenizer = lengths.equals("rt") || modes.contains("features");
    BenchSuite suite = new BenchSuite(new BenchSuite.Options(modes, precisions, batchSize, steps, warmup, model, lengths,
        groupByLength, shared, reference, rounds, needsTokenizer ? ModelArg.resolve("minilm") : null,
        json == null ? null : json.resolveSibling(json.getFileName() + ".features.safetensors")));
    ObjectNode results = suite.run(spec.commandLine().getOut());
    if (json != null) {
      AtomicFile.writeText(json, w -> w.write(results.toPrettyString() + "\n"));
    }
    return 0;
  }
}
