package dev.tunekit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.data.Batches;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.report.ProgressBar;
import dev.tunekit.tensors.OutOfMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Fine-tunes a sequence classifier as HF's Trainer does: AdamW with weight decay off for biases
 * and LayerNorm, linear decay with optional warm-up, gradient clipping and accumulation,
 * evaluation every epoch (or N steps), best model tracking, early stopping, checkpoints that
 * {@code resume} continues from to the same result, and a per-step log.
 *
 * <p>Only the tensors in {@code trainable} learn (all of them for full fine-tuning; adapters and
 * heads for LoRA); the rest stay frozen.
 */
public final class Trainer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SequenceClassifier model;
  private final Map<String, Tensor> trainable;
  private final Set<String> noDecay;
  private final TrainingArguments args;
  private final long padId;
  private Consumer<EpochMetrics> onEvaluation = m -> { };
  private Consumer<Path> onCheckpoint = p -> { };

  public Trainer(SequenceClassifier model, Map<String, Tensor> trainable, Set<String> noDecay,
      TrainingArguments args, long padId) {
    this.model = model;
    this.trainable = trainable;
    this.noDecay = noDecay;
    this.args = args;
    this.padId = padId;
  }

  /** Trains what {@code model.trainable()} names: every parameter, or a LoRA model's adapters and heads. */
  public Trainer(SequenceClassifier model, TrainingArguments args, long padId) {
    this(model, model.trainable(), model.noDecay(), args, padId);
  }

  /** Full fine-tuning: every parameter trains. */
  public static Trainer fullFineTuning(SequenceClassifier model, TrainingArguments args, long padId) {
    return new Trainer(model, args, padId);
  }

  /** Called after every evaluation with the new table row (e.g. to print it). */
  public Trainer onEvaluation(Consumer<EpochMetrics> listener) {
    this.onEvaluation = listener;
    return this;
  }

  /** Called after every checkpoint is written (fault-injection tests stop the run here). */
  public Trainer onCheckpoint(Consumer<Path> listener) {
    this.onCheckpoint = listener;
    return this;
  }

  public long trainableParameters() {
    return trainable.values().stream().mapToLong(Tensor::numel).sum();
  }

  public TrainResult train(TokenizedSplit train, TokenizedSplit validation) {
    int numLabels = model.config().labels().count();
    int stepsPerEpoch = args.optimizerStepsPerEpoch(train.size());
    int totalSteps = args.totalOptimizerSteps(train.size());
    LinearSchedule schedule = new LinearSchedule(args.learningRate, args.warmup(totalSteps), totalSteps);
    TrainStep step = new TrainStep(model, trainable, noDecay, args.weightDecay, args.precision, args.maxGradNorm);
    AdamW optimizer = step.optimizer();
    Checkpoints checkpoints = args.outputDir == null ? null : new Checkpoints(args.outputDir);

    torch.manual_seed(args.seed);
    TrainerState state = new TrainerState();
    if (args.resume) {
      Path latest = checkpoints == null ? null : checkpoints.latest();
      if (latest == null) {
        throw new TunekitException((args.outputDir == null ? "--resume" : args.outputDir.toString())
            + ": no checkpoint to resume from; run without --resume to start");
      }
      state = checkpoints.load(latest, trainable, optimizer);
      truncateLog(state.globalStep);
      Log.info("resuming from " + latest + " (step " + state.globalStep + ", epoch " + (state.epoch + 1) + ")");
    } else {
      truncateLog(0);
    }

    int[] lengths = train.lengths();
    long start = System.nanoTime();
    long samples = 0;
    ProgressBar bar = new ProgressBar("train", totalSteps).enabled(args.progress);
    while (state.epoch < args.epochs && state.globalStep < totalSteps && !state.stopped) {
      int epoch = state.epoch;
      List<int[]> batches = Batches.training(lengths, args.batchSize, args.seed, epoch, args.groupByLength);
      model.train(true);
      for (int b = state.nextBatch; b < batches.size() && state.globalStep < totalSteps && !state.stopped; b++) {
        float loss;
        try (PointerScope scope = new PointerScope()) {
          loss = step.forwardBackward(train.batch(batches.get(b), padId), args.gradientAccumulationSteps);
        } catch (RuntimeException | OutOfMemoryError e) {
          if (!OutOfMemory.is(e)) {
            throw e;
          }
          throw OutOfMemory.explain(e, "at training step " + (state.globalStep + 1) + " (a batch of "
              + batches.get(b).length + " texts of up to " + longest(lengths, batches.get(b)) + " tokens)",
              "use a smaller --batch-size (--gradient-accumulation-steps keeps the effective batch) or --max-length");
        }
        if (!Float.isFinite(loss)) {
          Path last = checkpoints == null ? null : lastGoodCheckpoint(checkpoints, state.globalStep);
          throw new TunekitException("the training loss became " + loss + " at step " + (state.globalStep + 1)
              + " (epoch " + (epoch + 1) + "); lower --lr or use --precision fp32"
              + (last != null ? "; the last good checkpoint is " + last + " (delete newer ones to --resume from it)"
                  : ""));
        }
        state.epochLossSum += loss;
        state.epochLossCount++;
        samples += batches.get(b).length;
        if ((b + 1) % args.gradientAccumulationSteps != 0 && b != batches.size() - 1) {
          continue;
        }
        double lr = schedule.at(state.globalStep);
        double gradNorm = step.update(lr);
        state.globalStep++;
        state.nextBatch = b + 1;
        double fraction = epoch + (double) (b + 1) / batches.size();
        double elapsed = (System.nanoTime() - start) / 1e9;
        bar.update(state.globalStep, String.format("epoch %d loss %.4f", epoch + 1, state.epochLossSum / state.epochLossCount),
            samples / Math.max(elapsed, 1e-9), "samples");
        log(String.format("{\"step\": %d, \"epoch\": %.4f, \"loss\": %.6f, \"learning_rate\": %.6g, \"grad_norm\": %.6f}",
            state.globalStep, fraction, loss, lr, gradNorm));
        boolean endOfEpoch = state.nextBatch == batches.size();
        if (args.evalSteps > 0 && state.globalStep % args.evalSteps == 0) {
          evaluateAndRecord(state, validation, fraction, numLabels);
          model.train(true);
        }
        if (checkpoints != null && args.saveSteps > 0 && state.globalStep % args.saveSteps == 0 && !endOfEpoch) {
          save(checkpoints, state, optimizer);
        }
      }
      if (state.nextBatch < batches.size()) {
        break; // cut short by max steps or early stopping
      }
      if (args.evalSteps == 0) {
        evaluateAndRecord(state, validation, epoch + 1, numLabels);
      }
      state.epoch = epoch + 1;
      state.nextBatch = 0;
      state.epochLossSum = 0;
      state.epochLossCount = 0;
      if (checkpoints != null) {
        save(checkpoints, state, optimizer);
      }
    }
    boolean evaluatedLast = !state.history.isEmpty() && state.history.get(state.history.size() - 1).step() == state.globalStep;
    if (!evaluatedLast) {
      // A run cut short (max steps) or evaluated every N steps ends with one more evaluation.
      evaluateAndRecord(state, validation, state.epoch + (double) state.nextBatch / Math.max(1, stepsPerEpoch), numLabels);
      if (checkpoints != null) {
        save(checkpoints, state, optimizer);
      }
    }
    if (args.loadBestModelAtEnd && state.bestCheckpoint != null && Files.isDirectory(Path.of(state.bestCheckpoint))) {
      Checkpoints.loadWeights(Path.of(state.bestCheckpoint), trainable);
      Log.info("loaded the best model (" + args.metricForBestModel + " " + state.bestMetric + ") from " + state.bestCheckpoint);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    EvalResult finalValidation = Evaluator.evaluate(model, validation, args.evalBatchSize, args.precision, padId, numLabels);
    return new TrainResult(List.copyOf(state.history), finalValidation, trainableParameters(), wall,
        samples / Math.max(wall, 1e-9), Memory.peakRssMb(), state.globalStep, state.stopped, state.bestCheckpoint);
  }

  private static int longest(int[] lengths, int[] batch) {
    int most = 0;
    for (int i : batch) {
      most = Math.max(most, lengths[i]);
    }
    return most;
  }

  /**
   * The newest checkpoint whose weights gave a finite loss. The failed loss came from the weights
   * of the last step, so that step's checkpoint is suspect; the one before produced a finite loss.
   */
  private static Path lastGoodCheckpoint(Checkpoints checkpoints, int step) {
    Path good = null;
    for (Path dir : checkpoints.list()) {
      if (Integer.parseInt(dir.getFileName().toString().substring("checkpoint-".length())) < step) {
        good = dir;
      }
    }
    return good;
  }

  private void evaluateAndRecord(TrainerState state, TokenizedSplit validation, double epoch, int numLabels) {
    EvalResult r = Evaluator.evaluate(model, validation, args.evalBatchSize, args.precision, padId, numLabels);
    double trainLoss = state.epochLossCount == 0 ? Double.NaN : state.epochLossSum / state.epochLossCount;
    EpochMetrics row = new EpochMetrics(epoch, state.globalStep, trainLoss, r.loss(), r.accuracy(), r.f1());
    state.history.add(row);
    log(String.format("{\"step\": %d, \"epoch\": %.4f, \"eval_loss\": %.6f, \"eval_accuracy\": %.6f, \"eval_f1\": %.6f}",
        state.globalStep, epoch, r.loss(), r.accuracy(), r.f1()));
    double metric = r.metric(args.metricForBestModel);
    boolean better = state.bestMetric == null
        || (args.greaterIsBetter() ? metric > state.bestMetric : metric < state.bestMetric);
    if (better) {
      state.bestMetric = metric;
      state.bestCheckpoint = args.outputDir == null ? null
          : args.outputDir.resolve("checkpoints").resolve("checkpoint-" + state.globalStep).toString();
      state.evalsWithoutImprovement = 0;
    } else {
      state.evalsWithoutImprovement++;
      if (args.earlyStoppingPatience > 0 && state.evalsWithoutImprovement >= args.earlyStoppingPatience) {
        state.stopped = true;
        Log.info("early stopping: " + args.metricForBestModel + " has not improved for "
            + state.evalsWithoutImprovement + " evaluations");
      }
    }
    onEvaluation.accept(row);
  }

  private void save(Checkpoints checkpoints, TrainerState state, AdamW optimizer) {
    if (args.saveTotalLimit <= 0) {
      return;
    }
    Path dir = checkpoints.save(state, trainable, optimizer);
    checkpoints.rotate(args.saveTotalLimit, args.loadBestModelAtEnd ? state.bestCheckpoint : null);
    onCheckpoint.accept(dir);
  }

  private Path logFile() {
    return args.outputDir == null ? null : args.outputDir.resolve("trainer_log.jsonl");
  }

  private void log(String jsonLine) {
    Path file = logFile();
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, jsonLine + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new TunekitException(file + ": cannot write the training log (" + e.getMessage() + ")");
    }
  }

  /** Keeps log lines up to {@code step}: a resumed run rewrites what came after its checkpoint. */
  private void truncateLog(int step) {
    Path file = logFile();
    if (file == null || !Files.exists(file)) {
      return;
    }
    try {
      List<String> kept = Files.readAllLines(file).stream().filter(line -> {
        try {
          ObjectNode n = (ObjectNode) JSON.readTree(line);
          return n.path("step").asInt() < step || (n.path("step").asInt() == step && step > 0);
        } catch (IOException | ClassCastException e) {
          return false;
        }
      }).toList();
      Files.write(file, kept);
    } catch (IOException e) {
      throw new TunekitException(file + ": cannot rewrite the training log (" + e.getMessage() + ")");
    }
  }
}
