package dev.tunekit.cli;

import dev.tunekit.data.Datasets;
import dev.tunekit.data.TextDataset;
import dev.tunekit.pipeline.FineTuning;
import dev.tunekit.report.TrainingTable;
import dev.tunekit.tensors.Engine;
import dev.tunekit.train.TrainingArguments;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit finetune}: train every parameter of encoder + classification head. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = "Full fine-tuning (AdamW, linear decay, HF Trainer's recipe); writes an HF model folder and metrics.json.")
final class FinetuneCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Mixin DataArgs data;
  @Mixin TrainArgs train;
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "M", description = "Model folder, Hub id or minilm.")
  String model;

  @Option(names = "--new-head", description = "Start a fresh classifier even if the model has one for other labels.")
  boolean newHead;

  @Override
  public Integer call() {
    TrainingArguments args = train.arguments(data.seed);
    Engine.startInBackground(common.threads); // loads while the model folder is found and the data read
    Path modelDir = ModelArg.resolve(model);
    TextDataset dataset = Datasets.load(data.options()).withTrainSample(train.maxTrainSamples, data.seed);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("full fine-tuning %s on %s: %,d train / %,d validation / %,d test, %s, %d threads%n", model,
        dataset.name(), dataset.train().size(), dataset.validation().size(), dataset.test().size(),
        args.precision.name().toLowerCase(), Engine.threads());
    TrainingTable table = new TrainingTable(out);
    FineTuning.Result r = FineTuning.full(new FineTuning.Job(modelDir, model, dataset, args, train.maxLength, newHead, table::row));
    Summary.print(out, r.training(), r.validation(), r.test(), dataset.labels(), args.outputDir);
    return 0;
  }
}
