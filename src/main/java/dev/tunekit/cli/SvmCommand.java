package dev.tunekit.cli;

import dev.tunekit.classic.LinearClassifier;
import dev.tunekit.data.Datasets;
import dev.tunekit.data.TextDataset;
import dev.tunekit.pipeline.FrozenFeatures;
import dev.tunekit.pipeline.Pooling;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit svm}: a linear classifier on frozen encoder features. */
@Command(name = "svm", mixinStandardHelpOptions = true,
    description = "Frozen-encoder features ([CLS] or mean) + linear SVM or logistic regression; C chosen on validation.")
final class SvmCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Mixin DataArgs data;
  @Mixin FeatureArgs features;
  @Spec CommandSpec spec;

  @Option(names = "--classifier", defaultValue = "svm", paramLabel = "svm|logreg", description = "Default: ${DEFAULT-VALUE}.")
  String classifier;

  @Option(names = "--c", split = ",", defaultValue = "1", paramLabel = "C[,C...]",
      description = "One C, or a grid chosen on validation (default: ${DEFAULT-VALUE}).")
  List<Double> c;

  @Option(names = "--standardize", description = "Scale every feature to zero mean and unit variance first.")
  boolean standardize;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Writes metrics.json and classifier.json here.")
  Path out;

  @Option(names = "--overwrite", description = "Write into --out even if it holds files.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    LinearClassifier.Kind kind = LinearClassifier.Kind.parse(classifier);
    OutputFolder.prepare(out, overwrite, false, false);
    Engine.startInBackground(common.threads); // loads while the data is read
    TextDataset dataset = Datasets.load(data.options());
    FrozenFeatures.Options o = features.options(kind, c, standardize);
    FrozenFeatures.Result r = FrozenFeatures.run(ModelArg.resolve(features.model), features.model, dataset, o, out);
    PrintWriter w = spec.commandLine().getOut();
    w.printf("%s features of %s (%d dims), %s; %s%n", o.pooling().name().toLowerCase(), features.model, r.featureDim(),
        dataset.name(), kind == LinearClassifier.Kind.SVM ? "linear SVM (hinge loss, L2)" : "logistic regression (L2)");
    if (r.grid().size() > 1) {
      w.println("C grid (validation):");
      for (var p : r.grid()) {
        w.printf("  C=%-8s accuracy %.4f  F1 %.4f  (fit %.2f s)%s%n", p.c(), p.accuracy(), p.f1(), p.fitSeconds(),
            p.c() == r.bestC() ? "  <- chosen" : "");
      }
    }
    w.printf("validation: accuracy %.4f, F1 %.4f | test: accuracy %.4f, F1 %.4f (C=%s)%n", r.validation().accuracy(),
        r.validation().f1(), r.test().accuracy(), r.test().f1(), r.bestC());
    Summary.confusion(w, r.test(), dataset.labels());
    w.printf("features %.1f s, fit %.2f s, total %.1f s; peak RSS %.0f MB; saved to %s%n", r.featureSeconds(),
        r.fitSeconds(), r.wallSeconds(), r.peakRssMb(), out);
    return 0;
  }
}
