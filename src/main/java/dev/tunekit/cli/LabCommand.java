package dev.tunekit.cli;

import dev.tunekit.Log;
import dev.tunekit.classic.LinearClassifier;
import dev.tunekit.data.DataOptions;
import dev.tunekit.data.Datasets;
import dev.tunekit.data.TextDataset;
import dev.tunekit.peft.LoraConfig;
import dev.tunekit.pipeline.FrozenFeatures;
import dev.tunekit.pipeline.Lab;
import dev.tunekit.pipeline.MethodResult;
import dev.tunekit.pipeline.Pooling;
import dev.tunekit.report.LabReport;
import dev.tunekit.report.TrainingTable;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import dev.tunekit.train.EpochMetrics;
import dev.tunekit.train.TrainingArguments;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit lab}: the three methods on one model and dataset, compared, with a report. */
@Command(name = "lab", mixinStandardHelpOptions = true,
    description = "Frozen features + SVM, full fine-tuning and LoRA with the seed lab's settings; prints the tables "
        + "and writes report.md (with plots), metrics.json and every trained artifact.")
final class LabCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "M", description = "Default: distilbert-base-uncased if it resolves (HF cache or Hub), else the embedded minilm.")
  String model;

  @Option(names = "--data", defaultValue = "rotten_tomatoes", paramLabel = "D", description = "Default: ${DEFAULT-VALUE} (TUNEKIT_DATA, HF cache or Hub).")
  String data;

  @Option(names = "--text-column", defaultValue = "text", paramLabel = "NAME")
  String textColumn;

  @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME")
  String labelColumn;

  @Option(names = "--out", defaultValue = "tunekit-lab", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--overwrite", description = "Write into --out even if it holds files.")
  boolean overwrite;

  @Option(names = "--quick", description = "A slice: about 1,000 training examples and 1 epoch (minutes, not an hour).")
  boolean quick;

  @Option(names = "--methods", split = ",", defaultValue = "svm,finetune,lora", paramLabel = "LIST")
  List<String> methods;

  @Option(names = "--epochs", paramLabel = "N", description = "Fine-tuning and LoRA epochs (default 3; 1 with --quick).")
  Integer epochs;

  @Option(names = "--lr", defaultValue = "2e-5", paramLabel = "LR", description = "Full fine-tuning learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--lora-lr", defaultValue = "2e-5", paramLabel = "LR", description = "LoRA learning rate (the seed's: ${DEFAULT-VALUE}; 5e-4 learns far better).")
  double loraLr;

  @Option(names = "--lora-r", defaultValue = "8", paramLabel = "R")
  int loraR;

  @Option(names = "--lora-alpha", defaultValue = "16", paramLabel = "A")
  double loraAlpha;

  @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N")
  int batchSize;

  @Option(names = "--precision", defaultValue = "bf16", paramLabel = "fp32|bf16", description = "Training precision (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--pooling", defaultValue = "cls", paramLabel = "cls|mean", description = "SVM features (the seed's: ${DEFAULT-VALUE}).")
  String pooling;

  @Option(names = "--c", split = ",", defaultValue = "1", paramLabel = "C[,C...]", description = "SVM C, or a grid chosen on validation.")
  List<Double> c;

  @Option(names = "--max-train-samples", paramLabel = "N", description = "Train on N rows (default all; 1000 with --quick).")
  Integer maxTrain;

  @Option(names = "--max-eval-samples", defaultValue = "0", paramLabel = "N", description = "Evaluate on N rows of validation and test (default all).")
  int maxEval;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N")
  long seed;

  @Option(names = "--no-progress", description = "No progress bars.")
  boolean noProgress;

  @Option(names = "--group-by-length", description = "Fine-tuning and LoRA train on batches of similar lengths "
      + "(HF's group_by_length): less padding, ~1.5x faster here; off by default as in the seed's Trainer.")
  boolean groupByLength;

  @Override
  public Integer call() throws IOException {
    OutputFolder.prepare(out, overwrite, false, false);
    Log.info("writing the lab into " + out.toAbsolutePath());
    long start = System.nanoTime();
    Engine.startInBackground(common.threads); // loads while the model folder is found and the data read
    String modelName = model == null ? ModelArg.defaultModel() : model;
    Path modelDir = ModelArg.resolve(modelName);
    int trainRows = maxTrain != null ? maxTrain : quick ? 1000 : 0;
    TextDataset dataset = Datasets.load(new DataOptions(data, textColumn, labelColumn, null, seed, false))
        .withTrainSample(trainRows, seed).withEvalSample(maxEval, seed);

    Lab.Plan plan = new Lab.Plan();
    plan.modelDir = modelDir;
    plan.modelName = modelName;
    plan.dataset = dataset;
    plan.outputDir = out;
    plan.methods = methods;
    plan.svm = new FrozenFeatures.Options(Pooling.parse(pooling), -1, Precision.FP32, LinearClassifier.Kind.SVM, c, false, 64, 0, !noProgress);
    plan.finetune = training(lr);
    plan.lora = training(loraLr);
    plan.loraConfig = LoraConfig.of(loraR, loraAlpha, 0.1);

    PrintWriter w = spec.commandLine().getOut();
    w.printf("tunekit lab: %s on %s (%,d train / %,d validation / %,d test), %d threads%s%n", modelName, dataset.name(),
        dataset.train().size(), dataset.validation().size(), dataset.test().size(), Engine.threads(), quick ? ", --quick" : "");
    Map<String, TrainingTable> tables = new LinkedHashMap<>();
    List<MethodResult> results = Lab.run(plan, new Lab.Listener() {
      @Override
      public void methodStarted(String method, String title) {
        w.printf("%n== %s ==%n", title);
        w.flush();
      }

      @Override
      public void evaluation(String method, EpochMetrics row) {
        tables.computeIfAbsent(method, m -> new TrainingTable(w)).row(row);
      }

      @Override
      public void methodFinished(MethodResult r) {
        w.printf("%s: validation accuracy %.4f, F1 %.4f | test accuracy %.4f, F1 %.4f | %s%n", r.method(),
            r.validation().accuracy(), r.validation().f1(), r.test().accuracy(), r.test().f1(), r.note());
        w.flush();
      }
    });
    double total = (System.nanoTime() - start) / 1e9;
    w.printf("%n== Comparison ==%n%s", LabReport.comparison(results));
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("svm", pooling + " pooling of the last layer, fp32 features, SVC(kernel='linear') C=" + c);
    String grouping = groupByLength ? ", length-grouped batches" : "";
    settings.put("finetune", String.format("%d epochs, lr %s, weight decay 0.01, batch %d, %s, linear decay, clip 1.0%s",
        plan.finetune.epochs, lr, batchSize, precision, grouping));
    settings.put("lora", String.format("r %d, alpha %s, dropout 0.1, q/v targets, %d epochs, lr %s, batch %d, %s%s",
        loraR, loraAlpha, plan.lora.epochs, loraLr, batchSize, precision, grouping));
    settings.put("seed", Long.toString(seed));
    settings.put("train rows", Integer.toString(dataset.train().size()));
    LabReport.write(out, modelName, dataset, results, settings, total);
    w.printf("%nreport: %s (plots, metrics.json, artifacts in svm/ finetune/ lora/)%n", out.resolve("report.md"));
    w.flush();
    return 0;
  }

  private TrainingArguments training(double learningRate) {
    TrainingArguments a = new TrainingArguments();
    a.epochs = epochs != null ? epochs : quick ? 1 : 3;
    a.learningRate = learningRate;
    a.batchSize = batchSize;
    a.precision = Precision.parse(precision);
    a.seed = seed;
    a.progress = !noProgress;
    a.saveTotalLimit = 1;
    a.groupByLength = groupByLength;
    return a;
  }
}
