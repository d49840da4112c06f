package dev.tunekit.train;

import java.util.List;

/** What a training run produced and cost. */
public record TrainResult(List<EpochMetrics> epochs, EvalResult validation, long trainableParams,
    double wallSeconds, double samplesPerSecond, double peakRssMb, int optimizerSteps,
    boolean stoppedEarly, String bestCheckpoint) {}
