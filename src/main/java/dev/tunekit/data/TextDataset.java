package dev.tunekit.data;

import dev.tunekit.TunekitException;
import dev.tunekit.model.Labels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A text-classification dataset: its label names and its train / validation / test splits. */
public record TextDataset(String name, Labels labels, Map<String, Split> splits) {
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";

  public TextDataset {
    splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
  }

  public Split split(String split) {
    Split s = splits.get(split);
    if (s == null) {
      throw new TunekitException("dataset " + name + " has no " + split + " split (it has " + splits.keySet() + ")");
    }
    return s;
  }

  /** The same dataset training on {@code n} rows of train drawn with {@code seed} (all if n <= 0 or more). */
  public TextDataset withTrainSample(int n, long seed) {
    return sample(List.of(TRAIN), n, seed);
  }

  /** The same dataset with at most {@code n} rows of validation and of test, drawn with {@code seed}. */
  public TextDataset withEvalSample(int n, long seed) {
    return sample(List.of(VALIDATION, TEST), n, seed);
  }

  private TextDataset sample(List<String> which, int n, long seed) {
    Map<String, Split> copy = new LinkedHashMap<>(splits);
    for (String s : which) {
      Split split = split(s);
      if (n > 0 && n < split.size()) {
        int[] picked = java.util.Arrays.copyOf(Batches.permutation(split.size(), new java.util.Random(seed)), n);
        java.util.Arrays.sort(picked); // keep file order
        copy.put(s, split.subset(picked));
      }
    }
    return new TextDataset(name, labels, copy);
  }

  public Split train() {
    return split(TRAIN);
  }

  public Split validation() {
    return split(VALIDATION);
  }

  public Split test() {
    return split(TEST);
  }
}
