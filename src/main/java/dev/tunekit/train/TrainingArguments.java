package dev.tunekit.train;

import dev.tunekit.tensors.Precision;
import java.nio.file.Path;

/**
 * The knobs of a training run, named as in HF's {@code TrainingArguments} so a Python user
 * finds them; defaults are the seed lab's recipe (3 epochs, lr 2e-5, weight decay 0.01,
 * batch 16, linear decay, no warm-up, clipping at 1.0).
 */
public final class TrainingArguments {
  public int epochs = 3;
  public double learningRate = 2e-5;
  public double weightDecay = 0.01;
  public int batchSize = 16;
  public int evalBatchSize = 64;
  /** Warm-up as a fraction of all optimizer steps (used when {@link #warmupSteps} is 0). */
  public double warmupRatio = 0;
  public int warmupSteps = 0;
  /** Clip the global gradient norm to this (0 turns clipping off). */
  public double maxGradNorm = 1.0;
  public int gradientAccumulationSteps = 1;
  public long seed = 42;
  public Precision precision = Precision.FP32;
  /** Evaluate every N optimizer steps; 0 evaluates at the end of every epoch. */
  public int evalSteps = 0;
  /** Checkpoint every N optimizer steps as well as at the end of every epoch; 0: epochs only. */
  public int saveSteps = 0;
  /** Checkpoints kept (the newest, and always the best); 0 keeps none. */
  public int saveTotalLimit = 2;
  public String metricForBestModel = "accuracy";
  /** Restore the best checkpoint's weights before the final evaluation. */
  public boolean loadBestModelAtEnd = false;
  /** Stop after this many evaluations without improvement; 0 never stops early. */
  public int earlyStoppingPatience = 0;
  public boolean groupByLength = false;
  /** Stop after this many optimizer steps in all (0: run every epoch); for quick runs and tests. */
  public int maxSteps = 0;
  /** Where checkpoints and logs go; null trains without writing anything. */
  public Path outputDir;
  /** Continue from the newest checkpoint in {@link #outputDir}. */
  public boolean resume = false;
  /** Show a progress bar on stderr. */
  public boolean progress = true;

  public boolean greaterIsBetter() {
    return !metricForBestModel.replaceFirst("^eval_", "").equals("loss");
  }

  public int optimizerStepsPerEpoch(int trainRows) {
    int batches = (trainRows + batchSize - 1) / batchSize;
    return (batches + gradientAccumulationSteps - 1) / gradientAccumulationSteps;
  }

  public int totalOptimizerSteps(int trainRows) {
    int total = epochs * optimizerStepsPerEpoch(trainRows);
    return maxSteps > 0 ? Math.min(maxSteps, total) : total;
  }

  public int warmup(int totalSteps) {
    return warmupSteps > 0 ? warmupSteps : (int) Math.ceil(warmupRatio * totalSteps);
  }
}
