package dev.tunekit.cli;

import dev.tunekit.classic.LinearClassifier;
import dev.tunekit.data.Datasets;
import dev.tunekit.data.TextDataset;
import dev.tunekit.pipeline.FrozenFeatures;
import dev.tunekit.tensors.Engine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit features}: export frozen features for other tools (scikit-learn, numpy). */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Write each split's features and labels to one safetensors file (train, train.labels, ...).")
final class FeaturesCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Mixin DataArgs data;
  @Mixin FeatureArgs features;
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "F.safetensors")
  Path out;

  @Override
  public Integer call() {
    Engine.startInBackground(common.threads); // loads while the data is read
    TextDataset dataset = Datasets.load(data.options());
    var o = features.options(LinearClassifier.Kind.SVM, List.of(1.0), false);
    var f = FrozenFeatures.features(ModelArg.resolve(features.model), dataset, o);
    FrozenFeatures.export(f, out, Map.of("model", features.model, "dataset", dataset.name(),
        "pooling", features.pooling, "layer", Integer.toString(features.layer)));
    spec.commandLine().getOut().printf("wrote %s: %s%n", out, f.vectors().keySet());
    return 0;
  }
}
