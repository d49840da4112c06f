package dev.tunekit.train;

/** One row of the training table: HF's Training Loss, Validation Loss, Accuracy, F1. */
public record EpochMetrics(double epoch, int step, double trainLoss, double valLoss, double accuracy, double f1) {}
