package dev.tunekit.classic;

/**
 * The C-SVC dual, solved as libsvm (and so scikit-learn's SVC) solves it: sequential minimal
 * optimisation with second-order working-set selection (Fan, Chen and Lin, JMLR 2005),
 * libsvm's shrinking, stopping rule (maximal violating pair within {@code eps}) and bias (rho):
 * <pre>
 *   min_a 0.5 a^T Q a - e^T a,  0 <= a_i <= C,  y^T a = 0,  Q_ij = y_i y_j K_ij
 * </pre>
 * The kernel is a precomputed linear one, so a kernel row costs nothing.
 */
final class SmoSolver {
  private static final double TAU = 1e-12;

  /** The dual solution: alpha and the bias term rho (decision = sum a_i y_i K(x_i, x) - rho). */
  record Solution(double[] alpha, double rho, int iterations) {}

  private final float[] k;
  private final int stride;
  private final int[] rows;
  private final byte[] y;
  private final double c;
  private final double eps;
  private final int l;
  private final double[] alpha;
  private final double[] g;
  private final double[] gBar;
  private final double[] qd;
  private final int[] active;
  private int activeSize;
  private boolean unshrink;

  private SmoSolver(KernelMatrix kernel, int[] rows, byte[] y, double c, double eps) {
    this.k = kernel.data();
    this.stride = kernel.size();
    this.rows = rows;
    this.y = y;
    this.c = c;
    this.eps = eps;
    this.l = rows.length;
    this.alpha = new double[l];
    this.g = new double[l];
    this.gBar = new double[l];
    this.qd = new double[l];
    this.active = new int[l];
    for (int t = 0; t < l; t++) {
      g[t] = -1;
      qd[t] = k[rows[t] * stride + rows[t]];
      active[t] = t;
    }
    this.activeSize = l;
  }

  /** Solves for the rows {@code rows} of {@code kernel} with labels {@code y} (+1 / -1). */
  static Solution solve(KernelMatrix kernel, int[] rows, byte[] y, double c, double eps, long maxIterations) {
    return new SmoSolver(kernel, rows, y, c, eps).run(maxIterations);
  }

  /** Q_ij = y_i y_j K_ij. */
  private double q(int i, int j) {
    return y[i] * y[j] * k[rows[i] * stride + rows[j]];
  }

  private Solution run(long maxIterations) {
    int iter = 0;
    int counter = Math.min(l, 1000) + 1;
    int[] pair = new int[2];
    while (iter < maxIterations) {
      if (--counter == 0) {
        counter = Math.min(l, 1000);
        shrink();
      }
      if (!selectWorkingSet(pair)) {
        reconstructGradient();
        activeSize = l;
        if (!selectWorkingSet(pair)) {
          break;
        }
        counter = 1; // shrink again at the next iteration
      }
      iter++;
      update(pair[0], pair[1]);
    }
    if (activeSize < l) {
      reconstructGradient();
      activeSize = l;
    }
    return new Solution(alpha, rho(), iter);
  }

  private boolean upper(int t) {
    return alpha[t] >= c;
  }

  private boolean lower(int t) {
    return alpha[t] <= 0;
  }

  /** WSS2 over the active set; false when the maximal violating pair is within eps (optimal). */
  private boolean selectWorkingSet(int[] pair) {
    double gmax = Double.NEGATIVE_INFINITY;
    int i = -1;
    for (int s = 0; s < activeSize; s++) {
      int t = active[s];
      if (y[t] == 1) {
        if (!upper(t) && -g[t] >= gmax) {
          gmax = -g[t];
          i = t;
        }
      } else if (!lower(t) && g[t] >= gmax) {
        gmax = g[t];
        i = t;
      }
    }
    double gmax2 = Double.NEGATIVE_INFINITY;
    double best = Double.POSITIVE_INFINITY;
    int j = -1;
    if (i >= 0) {
      int ri = rows[i] * stride;
      for (int s = 0; s < activeSize; s++) {
        int t = active[s];
        double qit = y[i] * y[t] * k[ri + rows[t]];
        if (y[t] == 1) {
          if (!lower(t)) {
            double diff = gmax + g[t];
            gmax2 = Math.max(gmax2, g[t]);
            if (diff > 0) {
              double quad = qd[i] + qd[t] - 2.0 * y[i] * qit;
              double obj = -(diff * diff) / (quad > 0 ? quad : TAU);
              if (obj <= best) {
                best = obj;
                j = t;
              }
            }
          }
        } else if (!upper(t)) {
          double diff = gmax - g[t];
          gmax2 = Math.max(gmax2, -g[t]);
          if (diff > 0) {
            double quad = qd[i] + qd[t] + 2.0 * y[i] * qit;
            double obj = -(diff * diff) / (quad > 0 ? quad : TAU);
            if (obj <= best) {
              best = obj;
              j = t;
            }
          }
        }
      }
    }
    if (gmax + gmax2 < eps || j < 0) {
      return false;
    }
    pair[0] = i;
    pair[1] = j;
    return true;
  }

  /** The two-variable step of libsvm, then the gradient (active set) and G_bar updates. */
  private void update(int i, int j) {
    double qij = q(i, j);
    double oldI = alpha[i];
    double oldJ = alpha[j];
    boolean upperI = upper(i);
    boolean upperJ = upper(j);
    if (y[i] != y[j]) {
      double quad = qd[i] + qd[j] + 2 * qij;
      double delta = (-g[i] - g[j]) / (quad > 0 ? quad : TAU);
      double diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i] > c) {
          alpha[i] = c;
          alpha[j] = c - diff;
        }
      } else if (alpha[j] > c) {
        alpha[j] = c;
        alpha[i] = c + diff;
      }
    } else {
      double quad = qd[i] + qd[j] - 2 * qij;
      double delta = (g[i] - g[j]) / (quad > 0 ? quad : TAU);
      double sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > c) {
        if (alpha[i] > c) {
          alpha[i] = c;
          alpha[j] = sum - c;
        }
        if (alpha[j] > c) {
          alpha[j] = c;
          alpha[i] = sum - c;
        }
      } else {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = sum;
        }
        if (alpha[i] < 0) {
          alpha[i] = 0;
          alpha[j] = sum;
        }
      }
    }
    double di = alpha[i] - oldI;
    double dj = alpha[j] - oldJ;
    int ri = rows[i] * stride;
    int rj = rows[j] * stride;
    double ci = y[i] * di;
    double cj = y[j] * dj;
    for (int s = 0; s < activeSize; s++) {
      int t = active[s];
      int rt = rows[t];
      g[t] += y[t] * (ci * k[ri + rt] + cj * k[rj + rt]);
    }
    if (upperI != upper(i)) {
      addToGBar(i, upperI ? -c : c);
    }
    if (upperJ != upper(j)) {
      addToGBar(j, upperJ ? -c : c);
    }
  }

  /** G_bar_t += coef * Q_it for every t: the part of the gradient from variables at the upper bound. */
  private void addToGBar(int i, double coef) {
    int ri = rows[i] * stride;
    double ci = coef * y[i];
    for (int t = 0; t < l; t++) {
      gBar[t] += ci * y[t] * k[ri + rows[t]];
    }
  }

  /** Restores the exact gradient of variables that were shrunk away (libsvm's reconstruct_gradient). */
  private void reconstructGradient() {
    if (activeSize == l) {
      return;
    }
    boolean[] isActive = new boolean[l];
    for (int s = 0; s < activeSize; s++) {
      isActive[active[s]] = true;
    }
    int[] inactive = new int[l - activeSize];
    int n = 0;
    for (int t = 0; t < l; t++) {
      if (!isActive[t]) {
        inactive[n++] = t;
        g[t] = gBar[t] - 1;
      }
    }
    for (int s = 0; s < activeSize; s++) {
      int j = active[s];
      if (!upper(j) && !lower(j)) {
        int rj = rows[j] * stride;
        double cj = alpha[j] * y[j];
        for (int m = 0; m < n; m++) {
          int t = inactive[m];
          g[t] += cj * y[t] * k[rj + rows[t]];
        }
      }
    }
    for (int t = 0; t < l; t++) {
      active[t] = t;
    }
  }

  /** libsvm's do_shrinking: drop bounded variables that cannot violate the optimality conditions. */
  private void shrink() {
    double gmax1 = Double.NEGATIVE_INFINITY;
    double gmax2 = Double.NEGATIVE_INFINITY;
    for (int s = 0; s < activeSize; s++) {
      int t = active[s];
      if (y[t] == 1) {
        if (!upper(t)) {
          gmax1 = Math.max(gmax1, -g[t]);
        }
        if (!lower(t)) {
          gmax2 = Math.max(gmax2, g[t]);
        }
      } else {
        if (!upper(t)) {
          gmax2 = Math.max(gmax2, -g[t]);
        }
        if (!lower(t)) {
          gmax1 = Math.max(gmax1, g[t]);
        }
      }
    }
    if (!unshrink && gmax1 + gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
    }
    int s = 0;
    while (s < activeSize) {
      int t = active[s];
      if (shrinkable(t, gmax1, gmax2)) {
        activeSize--;
        active[s] = active[activeSize];
        active[activeSize] = t;
      } else {
        s++;
      }
    }
  }

  private boolean shrinkable(int t, double gmax1, double gmax2) {
    if (upper(t)) {
      return y[t] == 1 ? -g[t] > gmax1 : -g[t] > gmax2;
    }
    if (lower(t)) {
      return y[t] == 1 ? g[t] > gmax2 : g[t] > gmax1;
    }
    return false;
  }

  /** libsvm's calculate_rho: the mean of y_i G_i over free vectors, else the middle of the feasible range. */
  private double rho() {
    double ub = Double.POSITIVE_INFINITY;
    double lb = Double.NEGATIVE_INFINITY;
    double sumFree = 0;
    int free = 0;
    for (int t = 0; t < l; t++) {
      double yg = y[t] * g[t];
      if (upper(t)) {
        if (y[t] == -1) {
          ub = Math.min(ub, yg);
        } else {
          lb = Math.max(lb, yg);
        }
      } else if (lower(t)) {
        if (y[t] == 1) {
          ub = Math.min(ub, yg);
        } else {
          lb = Math.max(lb, yg);
        }
      } else {
        free++;
        sumFree += yg;
      }
    }
    return free > 0 ? sumFree / free : (ub + lb) / 2;
  }
}
