package dev.tunekit.classic;

/**
 * The C-SVC dual, solved as libsvm (and so scikit-learn's SVC) solves it: sequential minimal
 * optimisation with second-order working-set selection (Fan, Chen and Lin, JMLR 2005),
 * libsvm's shrinking, stopping rule (maximal violating pair within {@code eps}) and bias (rho):
 * <pre>
 *   min_a 0.5 a^T Q a - e^T a,  0 <= a_i <= C,  y^T a = 0,  Q_ij = y_i y_j K_ij
 * </pre>
 * The kernel is a precomputed linear one, so a kernel row costs nothing to compute; what costs
 * is reading it. Two layout choices keep the solver out of main memory, where it spent most of
 * its time (measured: 6.2 s of the 8,530-row fit before, see BENCHMARKS.md):
 * <ul>
 *   <li>as in libsvm, variables live at <em>positions</em> and shrinking swaps them, so the
 *       active set is the prefix {@code [0, activeSize)} and every per-variable array is read
 *       contiguously;
 *   <li>once shrinking has halved the active set, its rows and columns of the kernel are copied
 *       into a small dense matrix that stays in cache ({@link #compactKernel()}).
 * </ul>
 * While the active set is large, a second thread takes the upper half of each loop
 * ({@link Helper}); the split keeps libsvm's tie rules, so the iterates are the same as on one
 * thread, bit for bit.
 * The gradient is kept as {@code yg_t = y_t * G_t} (libsvm's {@code -y_t grad f} up to sign), which
 * makes both label cases one formula.
 */
final class SmoSolver {
  private static final double TAU = 1e-12;

  /** The dual solution: alpha and the bias term rho (decision = sum a_i y_i K(x_i, x) - rho). */
  record Solution(double[] alpha, double rho, int iterations) {}

  private final float[] full;
  private final int stride;
  private final double c;
  private final double eps;
  private final int l;

  // Per position (swapped together by swap()).
  private final int[] original;
  private final double[] y;
  private final double[] alpha;
  private final double[] yg;
  private final double[] ygBar;
  private final double[] qd;
  private final boolean[] up;
  private final boolean[] low;
  /** Row and column of the variable in the full kernel. */
  private final int[] fullIndex;
  /** Row and column of the variable in the current kernel (full or compacted). */
  private final int[] index;

  private float[] kernel;
  private int width;
  private int held;
  private int activeSize;
  private boolean unshrink;

  private SmoSolver(KernelMatrix k, int[] rows, byte[] labels, double c, double eps) {
    this.full = k.data();
    this.stride = k.size();
    this.c = c;
    this.eps = eps;
    this.l = rows.length;
    this.original = new int[l];
    this.y = new double[l];
    this.alpha = new double[l];
    this.yg = new double[l];
    this.ygBar = new double[l];
    this.qd = new double[l];
    this.up = new boolean[l];
    this.low = new boolean[l];
    this.fullIndex = new int[l];
    this.index = new int[l];
    for (int t = 0; t < l; t++) {
      original[t] = t;
      y[t] = labels[t];
      yg[t] = -y[t]; // G = -e at alpha = 0
      fullIndex[t] = rows[t];
      qd[t] = full[rows[t] * stride + rows[t]];
      bounds(t);
    }
    this.activeSize = l;
    useFullKernel();
  }

  /** Solves for the rows {@code rows} of {@code kernel} with labels {@code y} (+1 / -1). */
  static Solution solve(KernelMatrix kernel, int[] rows, byte[] y, double c, double eps, long maxIterations) {
    return solve(kernel, rows, y, c, eps, maxIterations, Runtime.getRuntime().availableProcessors() > 1);
  }

  /** As above; {@code twoThreads} lets large active sets share the loops with a second thread. */
  static Solution solve(KernelMatrix kernel, int[] rows, byte[] y, double c, double eps, long maxIterations,
      boolean twoThreads) {
    SmoSolver solver = new SmoSolver(kernel, rows, y, c, eps);
    try (Helper h = twoThreads && rows.length >= PARALLEL_MIN ? solver.new Helper() : null) {
      solver.helper = h;
      return solver.run(maxIterations);
    }
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
        activateAll();
        if (!selectWorkingSet(pair)) {
          break;
        }
        counter = 1; // shrink again at the next iteration
      }
      iter++;
      update(pair[0], pair[1]);
    }
    activateAll();
    double[] out = new double[l];
    for (int p = 0; p < l; p++) {
      out[original[p]] = alpha[p];
    }
    return new Solution(out, rho(), iter);
  }

  /** I_up and I_low membership of position p, from its alpha and label. */
  private void bounds(int p) {
    boolean atUpper = alpha[p] >= c;
    boolean atLower = alpha[p] <= 0;
    up[p] = y[p] > 0 ? !atUpper : !atLower;
    low[p] = y[p] > 0 ? !atLower : !atUpper;
  }

  private boolean atUpper(int p) {
    return alpha[p] >= c;
  }

  private boolean atLower(int p) {
    return alpha[p] <= 0;
  }

  /** WSS2 over the active set; false when the maximal violating pair is within eps (optimal). */
  private boolean selectWorkingSet(int[] pair) {
    split(MAX_VIOLATOR);
    boolean second = bestI[1] >= 0 && bestV[1] >= bestV[0];
    double gmax = second ? bestV[1] : bestV[0];
    int i = gmax == Double.NEGATIVE_INFINITY ? -1 : second ? bestI[1] : bestI[0];
    double gmax2 = Double.NEGATIVE_INFINITY;
    int j = -1;
    if (i >= 0) {
      selected = i;
      selectedGmax = gmax;
      split(PARTNER);
      j = bestJ[1] >= 0 && bestObj[1] <= bestObj[0] ? bestJ[1] : bestJ[0];
      gmax2 = Math.max(bestG2[0], bestG2[1]);
    }
    if (gmax + gmax2 < eps || j < 0) {
      return false;
    }
    pair[0] = i;
    pair[1] = j;
    return true;
  }

  // The three loops over the active set, each over a range of positions so that two threads can
  // share it (see Helper); results go to slot h (0: the lower range, 1: the upper one).
  private static final int MAX_VIOLATOR = 0;
  private static final int PARTNER = 1;
  private static final int GRADIENT = 2;
  private final double[] bestV = new double[2];
  private final int[] bestI = new int[2];
  private final double[] bestObj = new double[2];
  private final int[] bestJ = new int[2];
  private final double[] bestG2 = new double[2];
  private int selected;
  private double selectedGmax;
  private int updateI;
  private int updateJ;
  private double updateCi;
  private double updateCj;

  private void loop(int task, int from, int to, int h) {
    switch (task) {
      case MAX_VIOLATOR -> maxViolator(from, to, h);
      case PARTNER -> partner(from, to, h);
      default -> gradient(from, to);
    }
  }

  /** argmax over I_up in [from, to) of -yG (ties: the last, as libsvm's loop). */
  private void maxViolator(int from, int to, int h) {
    double gmax = Double.NEGATIVE_INFINITY;
    int i = -1;
    for (int s = from; s < to; s++) {
      double v = up[s] ? -yg[s] : Double.NEGATIVE_INFINITY;
      if (v >= gmax) {
        gmax = v;
        i = s;
      }
    }
    bestV[h] = gmax;
    bestI[h] = i;
  }

  /** WSS2's second index in [from, to): min over I_low of -(gmax + yG_t)^2 / quad (ties: the last); max yG over I_low. */
  private void partner(int from, int to, int h) {
    int i = selected;
    double gmax = selectedGmax;
    double gmax2 = Double.NEGATIVE_INFINITY;
    double best = Double.POSITIVE_INFINITY;
    int j = -1;
    float[] kern = kernel;
    int ri = index[i] * width;
    double qdi = qd[i];
    for (int s = from; s < to; s++) {
      if (!low[s]) {
        continue;
      }
      double v = yg[s];
      gmax2 = v > gmax2 ? v : gmax2;
      double diff = gmax + v;
      if (diff > 0) {
        double quad = qdi + qd[s] - 2.0 * kern[ri + index[s]];
        double obj = -(diff * diff) / (quad > 0 ? quad : TAU);
        if (obj <= best) {
          best = obj;
          j = s;
        }
      }
    }
    bestObj[h] = best;
    bestJ[h] = j;
    bestG2[h] = gmax2;
  }

  /** yG_t += c_i K_it + c_j K_jt over [from, to), after a step on i and j. */
  private void gradient(int from, int to) {
    float[] kern = kernel;
    int ri = index[updateI] * width;
    int rj = index[updateJ] * width;
    double ci = updateCi;
    double cj = updateCj;
    for (int s = from; s < to; s++) {
      int col = index[s];
      yg[s] += ci * kern[ri + col] + cj * kern[rj + col];
    }
  }

  /**
   * Runs {@code task} over the active set: on this thread alone when it is small, else the upper
   * half on the helper thread at the same time. Either way both result slots are filled.
   */
  private void split(int task) {
    int n = activeSize;
    if (n < PARALLEL_MIN || helper == null) {
      loop(task, 0, n, 0);
      loop(task, n, n, 1);
      return;
    }
    helper.run(task, n / 2, n);
    loop(task, 0, n / 2, 0);
    helper.await();
  }

  /** Below this many active variables one thread is faster than two plus the hand-over. */
  private static final int PARALLEL_MIN = 512;
  private Helper helper;

  /**
   * A second thread for the solver's loops. It spins between tasks (a hand-over costs well under
   * a microsecond that way; a sleeping thread takes tens), for as long as one solve runs.
   */
  private final class Helper implements AutoCloseable {
    private final Thread thread;
    private volatile int request;
    private volatile int done;
    private volatile boolean stop;
    private volatile RuntimeException failure;
    private int task;
    private int from;
    private int to;
    private int sent;

    Helper() {
      thread = new Thread(this::serve, "tunekit-smo");
      thread.setDaemon(true);
      thread.start();
    }

    void run(int task, int from, int to) {
      this.task = task;
      this.from = from;
      this.to = to;
      request = ++sent; // volatile write publishes the fields above
    }

    void await() {
      while (done != sent) {
        Thread.onSpinWait();
      }
      if (failure != null) {
        throw failure;
      }
    }

    private void serve() {
      int seen = 0;
      while (true) {
        int r;
        while ((r = request) == seen) {
          if (stop) {
            return;
          }
          Thread.onSpinWait();
        }
        seen = r;
        try {
          loop(task, from, to, 1);
        } catch (RuntimeException e) {
          failure = e;
        }
        done = r;
      }
    }

    @Override
    public void close() {
      stop = true;
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The two-variable step of libsvm, then the gradient (active set) and G_bar updates. */
  private void update(int i, int j) {
    double kij = kernel[index[i] * width + index[j]];
    double quad = qd[i] + qd[j] - 2 * kij; // ||x_i - x_j||^2 for both label cases
    quad = quad > 0 ? quad : TAU;
    double gi = y[i] * yg[i];
    double gj = y[j] * yg[j];
    double oldI = alpha[i];
    double oldJ = alpha[j];
    boolean upperI = atUpper(i);
    boolean upperJ = atUpper(j);
    if (y[i] != y[j]) {
      double delta = (-gi - gj) / quad;
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
      double delta = (gi - gj) / quad;
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
    bounds(i);
    bounds(j);
    double ci = y[i] * (alpha[i] - oldI);
    double cj = y[j] * (alpha[j] - oldJ);
    updateI = i;
    updateJ = j;
    updateCi = ci;
    updateCj = cj;
    split(GRADIENT);
    if (upperI != atUpper(i)) {
      addToGBar(i, upperI ? -c : c);
    }
    if (upperJ != atUpper(j)) {
      addToGBar(j, upperJ ? -c : c);
    }
  }

  /** y_t G_bar_t += coef * y_i K_it for every t: the gradient part of variables at the upper bound. */
  private void addToGBar(int i, double coef) {
    int ri = fullIndex[i] * stride;
    double ci = coef * y[i];
    for (int t = 0; t < l; t++) {
      ygBar[t] += ci * full[ri + fullIndex[t]];
    }
  }

  /** Makes every variable active again, restoring the gradient of those shrunk away. */
  private void activateAll() {
    if (activeSize < l) {
      reconstructGradient();
      activeSize = l;
    }
    useFullKernel();
  }

  /** libsvm's reconstruct_gradient: the exact gradient of the inactive positions. */
  private void reconstructGradient() {
    for (int t = activeSize; t < l; t++) {
      yg[t] = ygBar[t] - y[t];
    }
    for (int s = 0; s < activeSize; s++) {
      if (!atUpper(s) && !atLower(s)) {
        int rs = fullIndex[s] * stride;
        double cs = alpha[s] * y[s];
        for (int t = activeSize; t < l; t++) {
          yg[t] += cs * full[rs + fullIndex[t]];
        }
      }
    }
  }

  /** libsvm's do_shrinking: move bounded variables that cannot violate optimality past the active set. */
  private void shrink() {
    double gmax1 = Double.NEGATIVE_INFINITY; // max over I_up of -yG
    double gmax2 = Double.NEGATIVE_INFINITY; // max over I_low of yG
    for (int s = 0; s < activeSize; s++) {
      if (up[s]) {
        gmax1 = Math.max(gmax1, -yg[s]);
      }
      if (low[s]) {
        gmax2 = Math.max(gmax2, yg[s]);
      }
    }
    if (!unshrink && gmax1 + gmax2 <= eps * 10) {
      unshrink = true;
      activateAll();
    }
    for (int s = 0; s < activeSize; s++) {
      if (shrinkable(s, gmax1, gmax2)) {
        activeSize--;
        while (activeSize > s) {
          if (!shrinkable(activeSize, gmax1, gmax2)) {
            swap(s, activeSize);
            break;
          }
          activeSize--;
        }
      }
    }
    if (activeSize <= held / 2) {
      compactKernel();
    }
  }

  /** A bounded variable whose gradient says it would move further out of the feasible box. */
  private boolean shrinkable(int p, double gmax1, double gmax2) {
    return (!up[p] && -yg[p] > gmax1) || (!low[p] && yg[p] > gmax2);
  }

  private void swap(int a, int b) {
    swap(original, a, b);
    swap(fullIndex, a, b);
    swap(index, a, b);
    swap(y, a, b);
    swap(alpha, a, b);
    swap(yg, a, b);
    swap(ygBar, a, b);
    swap(qd, a, b);
    swap(up, a, b);
    swap(low, a, b);
  }

  private void useFullKernel() {
    kernel = full;
    width = stride;
    held = l;
    System.arraycopy(fullIndex, 0, index, 0, l);
  }

  /** Copies the active variables' rows and columns out of the full kernel into a small dense one. */
  private void compactKernel() {
    int m = activeSize;
    float[] sub = new float[m * m];
    for (int a = 0; a < m; a++) {
      int ra = fullIndex[a] * stride;
      for (int b = 0; b < m; b++) {
        sub[a * m + b] = full[ra + fullIndex[b]];
      }
      index[a] = a;
    }
    kernel = sub;
    width = m;
    held = m;
  }

  /** libsvm's calculate_rho: the mean of y_i G_i over free vectors, else the middle of the feasible range. */
  private double rho() {
    double ub = Double.POSITIVE_INFINITY;
    double lb = Double.NEGATIVE_INFINITY;
    double sumFree = 0;
    int free = 0;
    for (int t = 0; t < l; t++) {
      if (atUpper(t)) {
        if (y[t] < 0) {
          ub = Math.min(ub, yg[t]);
        } else {
          lb = Math.max(lb, yg[t]);
        }
      } else if (atLower(t)) {
        if (y[t] > 0) {
          ub = Math.min(ub, yg[t]);
        } else {
          lb = Math.max(lb, yg[t]);
        }
      } else {
        free++;
        sumFree += yg[t];
      }
    }
    return free > 0 ? sumFree / free : (ub + lb) / 2;
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  private static void swap(double[] a, int i, int j) {
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  private static void swap(boolean[] a, int i, int j) {
    boolean t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
