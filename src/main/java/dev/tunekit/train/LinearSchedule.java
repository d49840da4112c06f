package dev.tunekit.train;

/**
 * HF's {@code get_linear_schedule_with_warmup}: the learning rate rises linearly from 0 over the
 * warm-up steps, then falls linearly to 0 at the last step.
 */
public record LinearSchedule(double peak, int warmupSteps, int totalSteps) {
  /** The learning rate for optimizer step {@code step} (0-based, before that step's update). */
  public double at(int step) {
    if (step < warmupSteps) {
      return peak * step / Math.max(1, warmupSteps);
    }
    return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  }
}
