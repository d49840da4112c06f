package dev.tunekit.cli;

import dev.tunekit.classic.LinearClassifier;
import dev.tunekit.pipeline.FrozenFeatures;
import dev.tunekit.pipeline.Pooling;
import dev.tunekit.tensors.Precision;
import java.util.List;
import picocli.CommandLine.Option;

/** How frozen features are made: shared by svm and features. */
final class FeatureArgs {
  @Option(names = "--model", required = true, paramLabel = "M", description = "Model folder, Hub id or minilm.")
  String model;

  @Option(names = "--pooling", defaultValue = "cls", paramLabel = "cls|mean", description = "Default: ${DEFAULT-VALUE}.")
  String pooling;

  @Option(names = "--layer", defaultValue = "-1", paramLabel = "N", description = "Hidden state to pool: -1 the last (default), 0 the embeddings.")
  int layer;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16", description = "Encoder precision (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N", description = "Texts per encoder pass.")
  int batchSize;

  @Option(names = "--max-length", defaultValue = "0", paramLabel = "N", description = "Truncate to N tokens (default: the model's maximum).")
  int maxLength;

  FrozenFeatures.Options options(LinearClassifier.Kind kind, List<Double> cGrid, boolean standardize) {
    return new FrozenFeatures.Options(Pooling.parse(pooling), layer, Precision.parse(precision), kind, cGrid, standardize,
        Math.max(1, batchSize), maxLength, true);
  }
}
