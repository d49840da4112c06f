package dev.tunekit.pipeline;

import dev.tunekit.Log;
import dev.tunekit.data.TextDataset;
import dev.tunekit.peft.LoraConfig;
import dev.tunekit.train.EpochMetrics;
import dev.tunekit.train.Memory;
import dev.tunekit.train.TrainingArguments;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lab: the three ways of adapting one encoder to one dataset, run one after the other with
 * the seed's settings, each measured the same way (validation and test scores, trainable
 * parameters, wall time, samples per second, peak memory).
 */
public final class Lab {
  /** What to run; each method's settings can be changed before {@link #run}. */
  public static final class Plan {
    public Path modelDir;
    public String modelName;
    public TextDataset dataset;
    public Path outputDir;
    public FrozenFeatures.Options svm = FrozenFeatures.Options.seed();
    public TrainingArguments finetune = new TrainingArguments();
    public TrainingArguments lora = new TrainingArguments();
    public LoraConfig loraConfig = LoraConfig.of(8, 16, 0.1);
    public List<String> methods = List.of("svm", "finetune", "lora");
  }

  /** Called when a method starts ("svm", ...) and with each training table row. */
  public interface Listener {
    void methodStarted(String method, String title);

    void evaluation(String method, EpochMetrics row);

    void methodFinished(MethodResult result);
  }

  private Lab() {}

  public static List<MethodResult> run(Plan plan, Listener listener) {
    List<MethodResult> results = new ArrayList<>();
    for (String method : plan.methods) {
      if (!results.isEmpty()) {
        listener.methodFinished(results.get(results.size() - 1));
        freeMemory();
      }
      Memory.resetPeak();
      switch (method) {
        case "svm" -> {
          String title = "Frozen features + linear SVM";
          listener.methodStarted(method, title);
          Path out = plan.outputDir.resolve("svm");
          FrozenFeatures.Result r = FrozenFeatures.run(plan.modelDir, plan.modelName, plan.dataset, plan.svm, out);
          results.add(new MethodResult(method, title, r.validation(), r.test(),
              ((Number) r.metrics().root().get("trainable_params").numberValue()).longValue(), r.wallSeconds(),
              r.metrics().root().get("samples_per_second").asDouble(), r.peakRssMb(), List.of(), out,
              String.format("%s pooling, C=%s, features %.1f s%s + fit %.1f s", plan.svm.pooling().name().toLowerCase(),
                  r.bestC(), r.featureSeconds(), r.featuresCached() ? " (from the feature cache)" : "", r.fitSeconds())));
        }
        case "finetune" -> {
          String title = "Full fine-tuning";
          listener.methodStarted(method, title);
          plan.finetune.outputDir = plan.outputDir.resolve("finetune");
          Consumer<EpochMetrics> rows = m -> listener.evaluation(method, m);
          FineTuning.Result r = FineTuning.full(new FineTuning.Job(plan.modelDir, plan.modelName, plan.dataset,
              plan.finetune, 0, true, rows));
          results.add(trained(method, title, r, plan.finetune.outputDir, "lr " + plan.finetune.learningRate));
        }
        case "lora" -> {
          String title = "LoRA";
          listener.methodStarted(method, title);
          plan.lora.outputDir = plan.outputDir.resolve("lora");
          Consumer<EpochMetrics> rows = m -> listener.evaluation(method, m);
          FineTuning.Result r = FineTuning.lora(new FineTuning.Job(plan.modelDir, plan.modelName, plan.dataset,
              plan.lora, 0, true, rows), plan.loraConfig, false);
          results.add(trained(method, title, r, plan.lora.outputDir, String.format("r %d, alpha %s, lr %s; %s",
              plan.loraConfig.r(), plan.loraConfig.loraAlpha(), plan.lora.learningRate, r.summary())));
        }
        default -> throw new dev.tunekit.TunekitException("unknown method \"" + method + "\"; use svm, finetune, lora");
      }
    }
    if (!results.isEmpty()) {
      listener.methodFinished(results.get(results.size() - 1));
    }
    return results;
  }

  private static MethodResult trained(String method, String title, FineTuning.Result r, Path out, String note) {
    return new MethodResult(method, title, r.validation(), r.test(), r.training().trainableParams(),
        r.training().wallSeconds(), r.training().samplesPerSecond(), r.training().peakRssMb(), r.training().epochs(), out, note);
  }

  /** Lets the previous method's tensors go before the next one is measured. */
  private static void freeMemory() {
    System.gc();
    org.bytedeco.javacpp.Pointer.trimMemory(); // hand freed native memory back (malloc_trim), so peaks are per method
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Log.info("memory before the next method: " + Math.round(Memory.currentRssMb()) + " MB resident");
  }
}
