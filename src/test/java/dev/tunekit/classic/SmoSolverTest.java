package dev.tunekit.classic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The solver against the definition of the problem it solves, not against its own output: the
 * kernel is X X^T, and the returned dual point satisfies the constraints and libsvm's optimality
 * test (maximal violating pair within eps) recomputed from scratch in double precision. The data
 * are noisy enough that shrinking, the compact kernel and gradient reconstruction all run.
 */
class SmoSolverTest {
  private static float[][] gaussian(int n, int d, Random r) {
    float[][] x = new float[n][d];
    for (float[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = (float) r.nextGaussian();
      }
    }
    return x;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      s += (double) a[j] * b[j];
    }
    return s;
  }

  @Test
  void kernelIsTheGramMatrixAcrossBlocks() {
    float[][] x = gaussian(1100, 7, new Random(3)); // more rows than one block, not a multiple of it
    KernelMatrix k = KernelMatrix.of(x);
    int n = k.size();
    assertEquals(1100, n);
    for (int a = 0; a < n; a += 13) {
      for (int b = 0; b < n; b += 7) {
        assertEquals(dot(x[a], x[b]), k.data()[a * n + b], 1e-4, "K[" + a + "][" + b + "]");
      }
    }
  }

  @Test
  void noisyProblemReachesLibsvmsOptimalityTest() {
    checkOptimality(1500, 12, 11);
  }

  /** Large enough for the second thread: the same optimality, and the very same dual point as one thread. */
  @Test
  void twoThreadsReachTheSamePointAsOne() {
    SmoSolver.Solution two = checkOptimality(4000, 10, 5);
    Random r = new Random(5);
    float[][] x = gaussian(4000, 10, r);
    byte[] y = labels(x, r);
    SmoSolver.Solution one = SmoSolver.solve(KernelMatrix.of(x), identity(4000), y, 1.0, 1e-3, 10_000_000L, false);
    assertEquals(one.iterations(), two.iterations(), "iterations");
    assertTrue(java.util.Arrays.equals(one.alpha(), two.alpha()), "alpha");
  }

  private static int[] identity(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  /** Labels from a linear rule with noise: ~25% of them against the rule. */
  private static byte[] labels(float[][] x, Random r) {
    byte[] y = new byte[x.length];
    for (int i = 0; i < x.length; i++) {
      double score = x[i][0] + 0.5 * x[i][1] + 0.8 * r.nextGaussian();
      y[i] = (byte) (score > 0.3 ? 1 : -1);
    }
    return y;
  }

  private static SmoSolver.Solution checkOptimality(int n, int d, long seed) {
    Random r = new Random(seed);
    float[][] x = gaussian(n, d, r);
    byte[] y = labels(x, r);
    double c = 1.0;
    double eps = 1e-3;
    SmoSolver.Solution s = SmoSolver.solve(KernelMatrix.of(x), identity(n), y, c, eps, 10_000_000L, true);
    double[] a = s.alpha();

    double balance = 0;
    for (int i = 0; i < n; i++) {
      assertTrue(a[i] >= 0 && a[i] <= c, "alpha in [0, C]");
      balance += y[i] * a[i];
    }
    assertEquals(0, balance, 1e-9, "y^T alpha = 0");

    double[] w = new double[d];
    int bounded = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        w[j] += a[i] * y[i] * x[i][j];
      }
      bounded += a[i] >= c ? 1 : 0;
    }
    assertTrue(bounded > 100, "a noisy problem: many bounded support vectors (" + bounded + ")");
    double upMax = Double.NEGATIVE_INFINITY; // max over I_up of -y G
    double lowMin = Double.POSITIVE_INFINITY; // min over I_low of -y G
    double free = 0;
    int freeCount = 0;
    for (int i = 0; i < n; i++) {
      double wx = 0;
      for (int j = 0; j < d; j++) {
        wx += w[j] * x[i][j];
      }
      double minusYG = -y[i] * (y[i] * wx - 1); // G = (Q a)_i - 1
      boolean inUp = y[i] > 0 ? a[i] < c : a[i] > 0;
      boolean inLow = y[i] > 0 ? a[i] > 0 : a[i] < c;
      if (inUp) {
        upMax = Math.max(upMax, minusYG);
      }
      if (inLow) {
        lowMin = Math.min(lowMin, minusYG);
      }
      if (a[i] > 0 && a[i] < c) {
        free += -minusYG;
        freeCount++;
      }
    }
    assertTrue(upMax - lowMin < eps * 1.01, "maximal violation " + (upMax - lowMin) + " within eps");
    assertEquals(free / freeCount, s.rho(), 1e-5, "rho is the mean of y G over free vectors");
    return s;
  }
}
