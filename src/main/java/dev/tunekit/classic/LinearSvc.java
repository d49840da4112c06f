package dev.tunekit.classic;

import java.util.ArrayList;
import java.util.List;

/**
 * scikit-learn's {@code SVC(kernel='linear', C)}: the same dual problem, solver and stopping rule
 * (libsvm's SMO, tolerance 1e-3), one-vs-one for more than two classes, on a kernel matrix
 * computed by one BLAS product. The primal weights are kept, so prediction is one dot product.
 */
public final class LinearSvc {
  /** SVC's default tolerance. */
  static final double EPS = 1e-3;

  /** One binary machine: decision = w . x + b, positive means {@code positive}. */
  record Machine(int positive, int negative, double[] w, double b, int iterations, int supportVectors) {}

  private final List<Machine> machines;
  private final int numLabels;

  private LinearSvc(List<Machine> machines, int numLabels) {
    this.machines = machines;
    this.numLabels = numLabels;
  }

  public static LinearSvc fit(float[][] x, int[] y, int numLabels, double c) {
    KernelMatrix k = KernelMatrix.of(x);
    List<Machine> machines = new ArrayList<>();
    for (int a = 0; a < numLabels; a++) {
      for (int b = a + 1; b < numLabels; b++) {
        machines.add(binary(x, y, k, b, a, c));
      }
    }
    return new LinearSvc(machines, numLabels);
  }

  /** The machine separating label {@code pos} (+1) from {@code neg} (-1). */
  private static Machine binary(float[][] x, int[] y, KernelMatrix k, int pos, int neg, double c) {
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      if (y[i] == pos || y[i] == neg) {
        idx.add(i);
      }
    }
    int[] rows = idx.stream().mapToInt(Integer::intValue).toArray();
    byte[] sign = new byte[rows.length];
    for (int t = 0; t < rows.length; t++) {
      sign[t] = (byte) (y[rows[t]] == pos ? 1 : -1);
    }
    SmoSolver.Solution s = SmoSolver.solve(k, rows, sign, c, EPS, 100_000_000L);
    int d = x[0].length;
    double[] w = new double[d];
    int sv = 0;
    for (int t = 0; t < rows.length; t++) {
      double a = s.alpha()[t];
      if (a != 0) {
        sv++;
        float[] row = x[rows[t]];
        for (int j = 0; j < d; j++) {
          w[j] += a * sign[t] * row[j];
        }
      }
    }
    return new Machine(pos, neg, w, -s.rho(), s.iterations(), sv);
  }

  /** The label with most one-vs-one votes (ties: the lower label, as libsvm). */
  public int predict(float[] row) {
    int[] votes = new int[numLabels];
    for (Machine m : machines) {
      double f = m.b();
      for (int j = 0; j < row.length; j++) {
        f += m.w()[j] * row[j];
      }
      votes[f > 0 ? m.positive() : m.negative()]++;
    }
    int best = 0;
    for (int l = 1; l < numLabels; l++) {
      if (votes[l] > votes[best]) {
        best = l;
      }
    }
    return best;
  }

  List<Machine> machines() {
    return machines;
  }

  int numLabels() {
    return numLabels;
  }

  static LinearSvc of(List<Machine> machines, int numLabels) {
    return new LinearSvc(machines, numLabels);
  }

  /** Support vectors over all machines. */
  public int supportVectors() {
    return machines.stream().mapToInt(Machine::supportVectors).sum();
  }
}
