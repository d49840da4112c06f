package dev.tunekit.pipeline;

import dev.tunekit.train.EpochMetrics;
import dev.tunekit.train.EvalResult;
import java.nio.file.Path;
import java.util.List;

/** One method's outcome in the lab: scores, cost, the per-epoch table and where its artifacts are. */
public record MethodResult(String method, String title, EvalResult validation, EvalResult test, long trainableParams,
    double wallSeconds, double samplesPerSecond, double peakRssMb, List<EpochMetrics> epochs, Path artifacts,
    String note) {}
