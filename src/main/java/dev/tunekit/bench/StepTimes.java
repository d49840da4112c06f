package dev.tunekit.bench;

import java.util.Arrays;

/**
 * Timed steps of a benchmark and how they become rates. Batches of similar sizes (the
 * reference's random batches) are summarised by the median step, as the reference does;
 * length-grouped batches range from short to long on purpose, so there the rate is the whole
 * run's (total work / total time), which is what an epoch sees.
 */
final class StepTimes {
  private final double[] millis;
  private final boolean wholeRun;
  private int count;

  StepTimes(int steps, boolean wholeRun) {
    this.millis = new double[steps];
    this.wholeRun = wholeRun;
  }

  void add(double stepMillis) {
    millis[count++] = stepMillis;
  }

  /** The median step, in milliseconds. */
  double medianMillis() {
    double[] sorted = Arrays.copyOf(millis, count);
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** {@code total} (samples, tokens, FLOPs summed over the timed steps) per second. */
  double perSecond(double total) {
    if (wholeRun) {
      return total / (Arrays.stream(millis, 0, count).sum() / 1000);
    }
    return total / count / (medianMillis() / 1000);
  }
}
