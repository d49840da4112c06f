package dev.tunekit.bench;

import dev.tunekit.classic.LinearClassifier;
import dev.tunekit.data.DataOptions;
import dev.tunekit.data.Datasets;
import dev.tunekit.data.Split;
import dev.tunekit.data.TextDataset;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.LinearFactory;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.Weights;
import dev.tunekit.pipeline.FeatureCache;
import dev.tunekit.pipeline.FeatureExtractor;
import dev.tunekit.pipeline.Pooling;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.SafeTensorsWriter;
import dev.tunekit.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Exercise 1 at full size: [CLS] features of every Rotten Tomatoes sentence (10,662) through a
 * randomly initialised model of the given shape (the features pipeline: batches of 64 sorted by
 * length), then the linear SVM fitted on the 8,530 training vectors.
 */
public final class FeaturesBenchmark {
  public record Result(int sentences, double seconds, double samplesPerSecond, double gflops, int trainRows, int dims,
      double svmSeconds) {}

  private FeaturesBenchmark() {}

  /** {@code export}, if given, receives train/test features and labels for scikit-learn. */
  public static Result run(ModelConfig config, Precision precision, Path data, Path tokenizerDir, Path export) {
    TextDataset rt = Datasets.load(DataOptions.of(data.toString()));
    torch.manual_seed(1234);
    Tokenizer tok = AutoModel.tokenizer(tokenizerDir, AutoModel.config(tokenizerDir));
    FeatureExtractor fx = new FeatureExtractor(AutoModel.newEncoder(Weights.fresh(config).withLinears(LinearFactory.FROZEN), config), tok)
        .precision(precision).batchSize(64);
    List<long[]> all = new ArrayList<>();
    for (Split s : rt.splits().values()) {
      all.addAll(TokenizedSplit.of(s, tok).ids());
    }
    fx.embedTokens(all.subList(0, 128), Pooling.CLS); // warm-up
    long start = System.nanoTime();
    float[][] features = fx.embedTokens(all, Pooling.CLS);
    double seconds = (System.nanoTime() - start) / 1e9;
    double flops = 0;
    List<long[]> sorted = new ArrayList<>(all);
    sorted.sort((a, b) -> b.length - a.length);
    for (int i = 0; i < sorted.size(); i += 64) {
      flops += Flops.forwardFirstToken(config, sorted.subList(i, Math.min(sorted.size(), i + 64)), TrainBenchmark.ffn(config));
    }
    int n = rt.train().size();
    float[][] train = java.util.Arrays.copyOfRange(features, 0, n);
    long fit = System.nanoTime();
    LinearClassifier.fit(LinearClassifier.Kind.SVM, train, rt.train().labels(), 2, 1.0, false);
    double svmSeconds = (System.nanoTime() - fit) / 1e9;
    if (export != null) {
      Map<String, Tensor> t = new LinkedHashMap<>();
      t.put("train", FeatureCache.matrix(train));
      t.put("train.labels", labels(rt.train().labels()));
      int testStart = n + rt.validation().size();
      t.put("test", FeatureCache.matrix(java.util.Arrays.copyOfRange(features, testStart, features.length)));
      t.put("test.labels", labels(rt.test().labels()));
      t.put("validation", FeatureCache.matrix(java.util.Arrays.copyOfRange(features, n, testStart)));
      t.put("validation.labels", labels(rt.validation().labels()));
      SafeTensorsWriter.write(export, t, Map.of());
    }
    return new Result(all.size(), seconds, all.size() / seconds, flops / seconds / 1e9, n, features[0].length, svmSeconds);
  }

  private static Tensor labels(int[] y) {
    long[] l = new long[y.length];
    for (int i = 0; i < y.length; i++) {
      l[i] = y[i];
    }
    return Tensor.create(l, l.length);
  }
}
