package dev.tunekit.train;

/**
 * Classification scores as scikit-learn computes them: accuracy, and F1 of the positive class
 * (label 1) for two labels, macro-averaged F1 for more.
 */
public final class Metrics {
  private Metrics() {}

  public static double accuracy(int[] predicted, int[] gold) {
    int right = 0;
    for (int i = 0; i < gold.length; i++) {
      if (predicted[i] == gold[i]) {
        right++;
      }
    }
    return gold.length == 0 ? 0 : (double) right / gold.length;
  }

  /** confusion[gold][predicted]. */
  public static int[][] confusion(int[] predicted, int[] gold, int numLabels) {
    int[][] m = new int[numLabels][numLabels];
    for (int i = 0; i < gold.length; i++) {
      m[gold[i]][predicted[i]]++;
    }
    return m;
  }

  /** Binary F1 of label 1 (sklearn's default pos_label) when there are 2 labels, else macro F1. */
  public static double f1(int[] predicted, int[] gold, int numLabels) {
    int[][] m = confusion(predicted, gold, numLabels);
    if (numLabels == 2) {
      return f1Of(m, 1);
    }
    double sum = 0;
    for (int c = 0; c < numLabels; c++) {
      sum += f1Of(m, c);
    }
    return sum / numLabels;
  }

  private static double f1Of(int[][] m, int c) {
    int tp = m[c][c];
    int fp = 0;
    int fn = 0;
    for (int k = 0; k < m.length; k++) {
      if (k != c) {
        fp += m[k][c];
        fn += m[c][k];
      }
    }
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }
}
