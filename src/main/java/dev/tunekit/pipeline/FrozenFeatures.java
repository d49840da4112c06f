package dev.tunekit.pipeline;

import dev.tunekit.classic.LinearClassifier;
import dev.tunekit.data.Split;
import dev.tunekit.data.TextDataset;
import dev.tunekit.data.TokenCache;
import dev.tunekit.data.TokenizedDataset;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.report.RunMetrics;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.SafeTensorsWriter;
import dev.tunekit.tokenize.Tokenizer;
import dev.tunekit.train.EvalResult;
import dev.tunekit.train.Memory;
import dev.tunekit.train.Metrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Method 1: run the frozen encoder once, pool the last layer ([CLS] or mean), and train a linear
 * classifier on the vectors; with a grid of C values, C is chosen on validation.
 */
public final class FrozenFeatures {
  /** How features are made and which classifier learns from them. */
  public record Options(Pooling pooling, int layer, Precision precision, LinearClassifier.Kind classifier,
      List<Double> cGrid, boolean standardize, int batchSize, int maxLength, boolean progress) {
    public static Options seed() {
      return new Options(Pooling.CLS, -1, Precision.FP32, LinearClassifier.Kind.SVM, List.of(1.0), false, 64, 0, true);
    }
  }

  /** One C of the grid and its validation scores. */
  public record GridPoint(double c, double accuracy, double f1, double fitSeconds) {}

  public record Result(EvalResult validation, EvalResult test, double bestC, List<GridPoint> grid,
      double featureSeconds, double fitSeconds, double wallSeconds, double peakRssMb, long featureDim,
      LinearClassifier classifier, RunMetrics metrics, boolean featuresCached) {}

  /** Features of every split, in row order, with the split's labels; {@code cached}: all read from disk. */
  public record Features(Map<String, float[][]> vectors, Map<String, int[]> labels, boolean cached) {}

  private FrozenFeatures() {}

  public static Features features(Path modelDir, TextDataset dataset, Options o) {
    ModelConfig config = AutoModel.config(modelDir);
    try (Tokenizer base = AutoModel.tokenizer(modelDir, config);
        Tokenizer shorter = o.maxLength() != 0 ? base.withMaxLength(modelDir, o.maxLength()) : null) {
      Tokenizer tok = shorter != null ? shorter : base;
      TokenizedDataset data = TokenizedDataset.of(dataset, tok, TokenCache.standard());
      FeatureExtractor fx = new FeatureExtractor(AutoModel.encoder(modelDir), tok)
          .precision(o.precision()).batchSize(o.batchSize()).layer(o.layer()).progress(o.progress());
      FeatureCache cache = FeatureCache.standard();
      Map<String, float[][]> vectors = new LinkedHashMap<>();
      Map<String, int[]> labels = new LinkedHashMap<>();
      for (TokenizedSplit s : List.of(data.train(), data.validation(), data.test())) {
        vectors.put(s.name(), cache.features(fx, modelDir, s, o.pooling()));
        labels.put(s.name(), s.labels());
      }
      return new Features(vectors, labels, cache.hits() == vectors.size());
    }
  }

  public static Result run(Path modelDir, String modelName, TextDataset dataset, Options o, Path outDir) {
    long start = System.nanoTime();
    Features f = features(modelDir, dataset, o);
    double featureSeconds = (System.nanoTime() - start) / 1e9;
    int numLabels = dataset.labels().count();
    float[][] xTrain = f.vectors().get(TextDataset.TRAIN);
    int[] yTrain = f.labels().get(TextDataset.TRAIN);
    List<GridPoint> grid = new ArrayList<>();
    LinearClassifier best = null;
    EvalResult bestVal = null;
    double fitSeconds = 0;
    for (double c : o.cGrid()) {
      long t = System.nanoTime();
      LinearClassifier clf = LinearClassifier.fit(o.classifier(), xTrain, yTrain, numLabels, c, o.standardize());
      double seconds = (System.nanoTime() - t) / 1e9;
      fitSeconds += seconds;
      EvalResult val = score(clf, f, TextDataset.VALIDATION, numLabels);
      grid.add(new GridPoint(c, val.accuracy(), val.f1(), seconds));
      if (bestVal == null || val.accuracy() > bestVal.accuracy()) {
        best = clf;
        bestVal = val;
      }
    }
    EvalResult test = score(best, f, TextDataset.TEST, numLabels);
    double wall = (System.nanoTime() - start) / 1e9;
    RunMetrics m = new RunMetrics("svm", modelName, dataset.name());
    var fingerprints = m.root().putObject("dataset_fingerprints");
    dataset.splits().forEach((name, split) -> fingerprints.put(name, split.fingerprint()));
    m.settings().put("pooling", o.pooling().name().toLowerCase()).put("layer", o.layer())
        .put("precision", o.precision().name().toLowerCase()).put("classifier", o.classifier().name().toLowerCase())
        .put("standardize", o.standardize()).put("C", best.c());
    m.split("validation", bestVal).split("test", test);
    m.root().put("trainable_params", (long) (xTrain[0].length + 1) * (numLabels == 2 ? 1 : numLabels));
    m.root().put("wall_seconds", wall);
    m.root().put("feature_seconds", featureSeconds);
    m.root().put("fit_seconds", fitSeconds);
    m.root().put("samples_per_second", dataset.splits().values().stream().mapToInt(Split::size).sum() / featureSeconds);
    m.root().put("features_from_cache", f.cached());
    m.root().put("peak_rss_mb", Memory.peakRssMb());
    var g = m.root().putArray("c_grid");
    grid.forEach(p -> g.addObject().put("C", p.c()).put("val_accuracy", p.accuracy()).put("val_f1", p.f1())
        .put("fit_seconds", p.fitSeconds()));
    if (outDir != null) {
      best.save(outDir.resolve("classifier.json"));
      m.write(outDir.resolve("metrics.json"));
    }
    return new Result(bestVal, test, best.c(), grid, featureSeconds, fitSeconds, wall, Memory.peakRssMb(),
        xTrain[0].length, best, m, f.cached());
  }

  private static EvalResult score(LinearClassifier clf, Features f, String split, int numLabels) {
    int[] pred = clf.predict(f.vectors().get(split));
    int[] gold = f.labels().get(split);
    return new EvalResult(split, Double.NaN, Metrics.accuracy(pred, gold), Metrics.f1(pred, gold, numLabels), pred, null,
        Metrics.confusion(pred, gold, numLabels));
  }

  /** Writes every split's features ("train", ...) and labels ("train.labels", ...) to one safetensors file. */
  public static void export(Features f, Path file, Map<String, String> metadata) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    f.vectors().forEach((split, v) -> tensors.put(split, FeatureCache.matrix(v)));
    f.labels().forEach((split, y) -> {
      long[] l = new long[y.length];
      for (int i = 0; i < y.length; i++) {
        l[i] = y[i];
      }
      tensors.put(split + ".labels", Tensor.create(l, l.length));
    });
    SafeTensorsWriter.write(file, tensors, metadata);
  }
}
