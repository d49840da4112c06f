package dev.tunekit.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a run is, saved with every checkpoint so that {@code --resume} continues exactly: the
 * optimizer steps done, the epoch and batch to run next, the epoch's running loss, the table so
 * far and the best evaluation.
 */
public final class TrainerState {
  public int globalStep;
  public int epoch;
  public int nextBatch;
  public double epochLossSum;
  public int epochLossCount;
  public List<EpochMetrics> history = new ArrayList<>();
  public Double bestMetric;
  public String bestCheckpoint;
  public int evalsWithoutImprovement;
  public boolean stopped;
}
