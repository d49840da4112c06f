package dev.tunekit.cli;

import dev.tunekit.TunekitException;
import dev.tunekit.tensors.Precision;
import dev.tunekit.train.TrainingArguments;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Training options shared by finetune and lora, named like HF's TrainingArguments. */
final class TrainArgs {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (model, metrics.json, log, checkpoints).")
  Path out;

  @Option(names = "--epochs", defaultValue = "3", paramLabel = "N")
  int epochs;

  @Option(names = {"--lr", "--learning-rate"}, defaultValue = "2e-5", paramLabel = "LR")
  double learningRate;

  @Option(names = "--weight-decay", defaultValue = "0.01", paramLabel = "WD", description = "Not applied to biases and LayerNorm.")
  double weightDecay;

  @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N")
  int batchSize;

  @Option(names = "--eval-batch-size", defaultValue = "64", paramLabel = "N")
  int evalBatchSize;

  @Option(names = "--warmup-ratio", defaultValue = "0", paramLabel = "R")
  double warmupRatio;

  @Option(names = "--warmup-steps", defaultValue = "0", paramLabel = "N")
  int warmupSteps;

  @Option(names = "--max-grad-norm", defaultValue = "1.0", paramLabel = "X", description = "Gradient clipping; 0 turns it off.")
  double maxGradNorm;

  @Option(names = "--gradient-accumulation-steps", defaultValue = "1", paramLabel = "N")
  int accumulation;

  @Option(names = "--precision", defaultValue = "bf16", paramLabel = "fp32|bf16",
      description = "bf16: autocast on CPU/AMX with float32 master weights (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--eval-steps", defaultValue = "0", paramLabel = "N", description = "Evaluate every N steps (default: every epoch).")
  int evalSteps;

  @Option(names = "--save-steps", defaultValue = "0", paramLabel = "N", description = "Checkpoint every N steps too (default: every epoch).")
  int saveSteps;

  @Option(names = "--save-total-limit", defaultValue = "2", paramLabel = "K", description = "Checkpoints kept (default: ${DEFAULT-VALUE}).")
  int saveTotalLimit;

  @Option(names = "--metric-for-best-model", defaultValue = "accuracy", paramLabel = "accuracy|f1|loss")
  String metricForBestModel;

  @Option(names = "--load-best-model-at-end", description = "Restore the best checkpoint before the final evaluation.")
  boolean loadBestModelAtEnd;

  @Option(names = "--early-stopping-patience", defaultValue = "0", paramLabel = "N")
  int patience;

  @Option(names = "--group-by-length", description = "Batches of similar lengths (less padding), as HF's group_by_length.")
  boolean groupByLength;

  @Option(names = "--max-steps", defaultValue = "0", paramLabel = "N", description = "Stop after N optimizer steps.")
  int maxSteps;

  @Option(names = "--max-length", defaultValue = "0", paramLabel = "N", description = "Truncate to N tokens (default: the model's maximum).")
  int maxLength;

  @Option(names = "--max-train-samples", defaultValue = "0", paramLabel = "N", description = "Train on the first N shuffled rows only.")
  int maxTrainSamples;

  @Option(names = "--resume", description = "Continue from the newest checkpoint in --out.")
  boolean resume;

  @Option(names = "--overwrite", description = "Write into --out even if it holds files.")
  boolean overwrite;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  TrainingArguments arguments(long seed) {
    OutputFolder.prepare(out, overwrite, true, resume);
    if (epochs <= 0 || batchSize <= 0 || evalBatchSize <= 0 || accumulation <= 0) {
      throw new TunekitException("--epochs, --batch-size, --eval-batch-size and --gradient-accumulation-steps must be positive");
    }
    if (!(learningRate > 0) || weightDecay < 0 || warmupRatio < 0 || warmupRatio >= 1) {
      throw new TunekitException("--lr must be positive, --weight-decay non-negative and --warmup-ratio in [0, 1)");
    }
    TrainingArguments a = new TrainingArguments();
    a.epochs = epochs;
    a.learningRate = learningRate;
    a.weightDecay = weightDecay;
    a.batchSize = batchSize;
    a.evalBatchSize = evalBatchSize;
    a.warmupRatio = warmupRatio;
    a.warmupSteps = warmupSteps;
    a.maxGradNorm = maxGradNorm;
    a.gradientAccumulationSteps = accumulation;
    a.precision = Precision.parse(precision);
    a.evalSteps = evalSteps;
    a.saveSteps = saveSteps;
    a.saveTotalLimit = saveTotalLimit;
    a.metricForBestModel = metricForBestModel;
    a.loadBestModelAtEnd = loadBestModelAtEnd;
    a.earlyStoppingPatience = patience;
    a.groupByLength = groupByLength;
    a.maxSteps = maxSteps;
    a.outputDir = out;
    a.resume = resume;
    a.progress = !noProgress;
    a.seed = seed;
    return a;
  }
}
