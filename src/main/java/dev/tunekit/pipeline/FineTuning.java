package dev.tunekit.pipeline;

import dev.tunekit.data.TextDataset;
import dev.tunekit.data.TokenCache;
import dev.tunekit.data.TokenizedDataset;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.SavePretrained;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.report.RunMetrics;
import dev.tunekit.tokenize.Tokenizer;
import dev.tunekit.train.EpochMetrics;
import dev.tunekit.train.EvalResult;
import dev.tunekit.train.Evaluator;
import dev.tunekit.train.TrainResult;
import dev.tunekit.train.Trainer;
import dev.tunekit.train.TrainingArguments;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Full fine-tuning end to end: tokenize (cached), train every parameter, evaluate on
 * validation and test, and write the model in HF's save_pretrained layout with metrics.json.
 */
public final class FineTuning {
  /** What a run produced. */
  public record Result(TrainResult training, EvalResult validation, EvalResult test, RunMetrics metrics) {}

  private FineTuning() {}

  /**
   * Fine-tunes the model in {@code modelDir} on {@code dataset}; writes into {@code args.outputDir}.
   * {@code maxLength} (0: the model's maximum) truncates sequences; {@code newHead} starts the
   * classifier fresh even if the checkpoint has one for other labels.
   */
  public static Result run(Path modelDir, String modelName, TextDataset dataset, TrainingArguments args,
      int maxLength, boolean newHead, Consumer<EpochMetrics> onEvaluation) {
    ModelConfig config = AutoModel.config(modelDir);
    try (Tokenizer base = AutoModel.tokenizer(modelDir, config);
        Tokenizer tokenizer = maxLength > 0 ? base.withMaxLength(modelDir, maxLength) : null) {
      Tokenizer tok = tokenizer != null ? tokenizer : base;
      TokenizedDataset data = TokenizedDataset.of(dataset, tok, TokenCache.standard());
      org.bytedeco.pytorch.global.torch.manual_seed(args.seed); // a fresh head starts the same every run
      SequenceClassifier model = AutoModel.forLabels(modelDir, dataset.labels(), newHead);
      Trainer trainer = Trainer.fullFineTuning(model, args, tok.padId()).onEvaluation(onEvaluation);
      TrainResult training = trainer.train(data.train(), data.validation());
      int numLabels = dataset.labels().count();
      EvalResult test = Evaluator.evaluate(model, data.test(), args.evalBatchSize, args.precision, tok.padId(), numLabels);
      RunMetrics metrics = describe("finetune", modelName, dataset, args, tok.maxLength())
          .split("validation", training.validation()).split("test", test).training(training);
      if (args.outputDir != null) {
        SavePretrained.save(model, modelDir, args.outputDir);
        metrics.write(args.outputDir.resolve("metrics.json"));
      }
      return new Result(training, training.validation(), test, metrics);
    }
  }

  /** The provenance part of metrics.json, shared by every training method. */
  static RunMetrics describe(String method, String modelName, TextDataset dataset, TrainingArguments args, int maxLength) {
    RunMetrics m = new RunMetrics(method, modelName, dataset.name());
    var fingerprints = m.root().putObject("dataset_fingerprints");
    dataset.splits().forEach((name, split) -> fingerprints.put(name, split.fingerprint()));
    m.root().putArray("labels").addAll(dataset.labels().names().stream()
        .map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList());
    m.settings().put("epochs", args.epochs).put("learning_rate", args.learningRate)
        .put("weight_decay", args.weightDecay).put("batch_size", args.batchSize)
        .put("warmup_ratio", args.warmupRatio).put("warmup_steps", args.warmupSteps)
        .put("max_grad_norm", args.maxGradNorm).put("gradient_accumulation_steps", args.gradientAccumulationSteps)
        .put("precision", args.precision.name().toLowerCase()).put("seed", args.seed)
        .put("group_by_length", args.groupByLength).put("max_length", maxLength)
        .put("max_steps", args.maxSteps).put("metric_for_best_model", args.metricForBestModel);
    return m;
  }
}
