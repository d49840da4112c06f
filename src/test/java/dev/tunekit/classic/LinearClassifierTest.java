package dev.tunekit.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinearClassifierTest {
  @TempDir Path tmp;

  /** Two clusters around (+2, +2) and (-2, -2): linearly separable. */
  static float[][] clusters(int n, int classes, long seed, int[] y) {
    Random r = new Random(seed);
    float[][] x = new float[n][];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
      double angle = 2 * Math.PI * y[i] / classes;
      x[i] = new float[] {(float) (3 * Math.cos(angle) + 0.3 * r.nextGaussian()), (float) (3 * Math.sin(angle) + 0.3 * r.nextGaussian()),
          (float) r.nextGaussian()};
    }
    return x;
  }

  @Test
  void separatesASeparableSet() {
    for (LinearClassifier.Kind kind : LinearClassifier.Kind.values()) {
      int[] y = new int[200];
      float[][] x = clusters(200, 2, 1, y);
      LinearClassifier clf = LinearClassifier.fit(kind, x, y, 2, 1.0, false);
      assertArrayEquals(y, clf.predict(x), kind + " separates the training set");
      int[] yt = new int[100];
      float[][] xt = clusters(100, 2, 2, yt);
      assertArrayEquals(yt, clf.predict(xt), kind + " generalises");
    }
  }

  @Test
  void hardMarginSolutionIsTheAnalyticOne() {
    // Points at x = +1 (label 1) and x = -1 (label 0): the maximum-margin plane is w = 1, b = 0.
    float[][] x = {{1f}, {-1f}, {2f}, {-3f}};
    int[] y = {1, 0, 1, 0};
    LinearSvc svm = LinearSvc.fit(x, y, 2, 1000.0);
    LinearSvc.Machine m = svm.machines().get(0);
    assertEquals(1.0, m.w()[0], 1e-3);
    assertEquals(0.0, m.b(), 1e-3);
    assertEquals(2, m.supportVectors());
  }

  @Test
  void softMarginMatchesTheClosedForm() {
    // Symmetric overlapping pairs: x = +-1 and a flipped pair at +-0.5; with C = 0.1 every point
    // is a bounded support vector, so w = C * sum(y_i x_i) = 0.1 * (1 + 1 - 0.5 - 0.5) = 0.1, b = 0.
    float[][] x = {{1f}, {-1f}, {-0.5f}, {0.5f}};
    int[] y = {1, 0, 1, 0};
    LinearSvc.Machine m = LinearSvc.fit(x, y, 2, 0.1).machines().get(0);
    assertEquals(0.1, m.w()[0], 1e-6);
    assertEquals(0.0, m.b(), 1e-6);
  }

  @Test
  void oneVsOneForThreeClassesAndSaveLoad() {
    int[] y = new int[300];
    float[][] x = clusters(300, 3, 3, y);
    LinearClassifier clf = LinearClassifier.fit(LinearClassifier.Kind.SVM, x, y, 3, 1.0, true);
    assertArrayEquals(y, clf.predict(x));
    clf.save(tmp.resolve("c.json"));
    assertArrayEquals(clf.predict(x), LinearClassifier.load(tmp.resolve("c.json")).predict(x));
    LinearClassifier lr = LinearClassifier.fit(LinearClassifier.Kind.LOGREG, x, y, 3, 1.0, false);
    lr.save(tmp.resolve("l.json"));
    assertArrayEquals(lr.predict(x), LinearClassifier.load(tmp.resolve("l.json")).predict(x));
  }
}
