package dev.tunekit.pipeline;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.tunekit.Log;
import dev.tunekit.data.TextDataset;
import dev.tunekit.data.TokenCache;
import dev.tunekit.data.TokenizedDataset;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.SavePretrained;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.peft.LoraConfig;
import dev.tunekit.peft.LoraModel;
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
import org.bytedeco.pytorch.global.torch;

/**
 * Fine-tuning end to end, full or LoRA: tokenize (cached), train, evaluate on validation and
 * test, and write the result (an HF model folder, or a PEFT adapter) with metrics.json.
 */
public final class FineTuning {
  /** What a run produced; {@code summary} is PEFT's trainable-parameters line for LoRA. */
  public record Result(TrainResult training, EvalResult validation, EvalResult test, RunMetrics metrics, String summary) {}

  /** Where the run reads its model and data, and what it writes. */
  public record Job(Path modelDir, String modelName, TextDataset dataset, TrainingArguments args, int maxLength,
      boolean newHead, Consumer<EpochMetrics> onEvaluation) {}

  private FineTuning() {}

  /** Every parameter trains; the output folder is an HF model (save_pretrained layout). */
  public static Result full(Job job) {
    return run(job, "finetune", () -> AutoModel.forLabels(job.modelDir(), job.dataset().labels(), job.newHead()),
        (model, out) -> SavePretrained.save(model, job.modelDir(), out), null);
  }

  /** Only LoRA adapters and the saved modules train; the output folder is a PEFT adapter. */
  public static Result lora(Job job, LoraConfig lora, boolean peftCompat) {
    LoraModel[] made = new LoraModel[1];
    Result r = run(job, "lora", () -> made[0] = LoraModel.create(job.modelDir(), job.dataset().labels(), lora, job.newHead(), peftCompat),
        (model, out) -> made[0].save(out, job.modelName()), m -> {
          m.root().put("trainable_summary", made[0].trainableSummary());
          var l = m.root().putObject("lora");
          l.put("r", made[0].loraConfig().r()).put("lora_alpha", made[0].loraConfig().loraAlpha())
              .put("lora_dropout", made[0].loraConfig().loraDropout()).put("bias", made[0].loraConfig().bias())
              .put("use_rslora", made[0].loraConfig().useRslora()).put("peft_compat", peftCompat);
          made[0].loraConfig().targetModules().forEach(t -> l.withArray("target_modules").add(t));
          made[0].loraConfig().modulesToSave().forEach(t -> l.withArray("modules_to_save").add(t));
        });
    return new Result(r.training(), r.validation(), r.test(), r.metrics(), made[0].trainableSummary());
  }

  interface ModelMaker {
    SequenceClassifier make();
  }

  interface Saver {
    void save(SequenceClassifier model, Path out);
  }

  private static Result run(Job job, String method, ModelMaker makeModel, Saver saver,
      Consumer<RunMetrics> extra) {
    TrainingArguments args = job.args();
    ModelConfig config = AutoModel.config(job.modelDir());
    try (Tokenizer base = AutoModel.tokenizer(job.modelDir(), config);
        Tokenizer shorter = job.maxLength() != 0 ? base.withMaxLength(job.modelDir(), job.maxLength()) : null) {
      Tokenizer tok = shorter != null ? shorter : base;
      TokenizedDataset data = TokenizedDataset.of(job.dataset(), tok, TokenCache.standard());
      torch.manual_seed(args.seed); // a fresh head and fresh adapters start the same every run
      SequenceClassifier model = makeModel.make();
      Trainer trainer = new Trainer(model, args, tok.padId()).onEvaluation(job.onEvaluation());
      if (method.equals("lora")) {
        Log.info(((LoraModel) model).trainableSummary());
      }
      TrainResult training = trainer.train(data.train(), data.validation());
      int numLabels = job.dataset().labels().count();
      EvalResult test = Evaluator.evaluate(model, data.test(), args.evalBatchSize, args.precision, tok.padId(), numLabels);
      RunMetrics metrics = describe(method, job.modelName(), job.dataset(), args, tok.maxLength())
          .split("validation", training.validation()).split("test", test).training(training);
      if (extra != null) {
        extra.accept(metrics);
      }
      if (args.outputDir != null) {
        saver.save(model, args.outputDir);
        metrics.write(args.outputDir.resolve("metrics.json"));
      }
      return new Result(training, training.validation(), test, metrics, null);
    }
  }

  /** The provenance part of metrics.json, shared by every method. */
  public static RunMetrics describe(String method, String modelName, TextDataset dataset, TrainingArguments args, int maxLength) {
    RunMetrics m = new RunMetrics(method, modelName, dataset.name());
    var fingerprints = m.root().putObject("dataset_fingerprints");
    dataset.splits().forEach((name, split) -> fingerprints.put(name, split.fingerprint()));
    m.root().putArray("labels").addAll(dataset.labels().names().stream().map(TextNode::valueOf).toList());
    m.settings().put("epochs", args.epochs).put("learning_rate", args.learningRate)
        .put("weight_decay", args.weightDecay).put("batch_size", args.batchSize)
        .put("warmup_ratio", args.warmupRatio).put("warmup_steps", args.warmupSteps)
        .put("max_grad_norm", args.maxGradNorm).put("gradient_accumulation_steps", args.gradientAccumulationSteps)
        .put("precision", args.precision.name().toLowerCase()).put("seed", args.seed)
        .put("group_by_length", args.groupByLength).put("max_length", maxLength)
        .put("max_steps", args.maxSteps).put("metric_for_best_model", args.metricForBestModel)
        .put("train_rows", dataset.train().size());
    return m;
  }
}
