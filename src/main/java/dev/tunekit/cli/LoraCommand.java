package dev.tunekit.cli;

import dev.tunekit.data.Datasets;
import dev.tunekit.data.TextDataset;
import dev.tunekit.peft.LoraConfig;
import dev.tunekit.pipeline.FineTuning;
import dev.tunekit.report.TrainingTable;
import dev.tunekit.tensors.Engine;
import dev.tunekit.train.TrainingArguments;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit lora}: train LoRA adapters on a frozen encoder; saves a PEFT adapter. */
@Command(name = "lora", mixinStandardHelpOptions = true,
    description = "LoRA fine-tuning (PEFT semantics); writes adapter_config.json + adapter_model.safetensors and metrics.json.")
final class LoraCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Mixin DataArgs data;
  @Mixin TrainArgs train;
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "M", description = "Model folder, Hub id or minilm.")
  String model;

  @Option(names = "--r", defaultValue = "8", paramLabel = "R", description = "Adapter rank (default: ${DEFAULT-VALUE}).")
  int r;

  @Option(names = "--alpha", defaultValue = "16", paramLabel = "A", description = "lora_alpha; scaling is alpha / r (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--dropout", defaultValue = "0.1", paramLabel = "P", description = "lora_dropout (default: ${DEFAULT-VALUE}).")
  double dropout;

  @Option(names = "--targets", split = ",", paramLabel = "NAMES", description = "Modules to adapt (default: q_lin,v_lin for DistilBERT, query,value for BERT).")
  List<String> targets;

  @Option(names = "--modules-to-save", split = ",", defaultValue = "classifier,score", paramLabel = "NAMES",
      description = "Modules trained whole and saved with the adapter (default: ${DEFAULT-VALUE}, as PEFT for SEQ_CLS).")
  List<String> modulesToSave;

  @Option(names = "--bias", defaultValue = "none", paramLabel = "none|all|lora_only")
  String bias;

  @Option(names = "--rslora", description = "Scale by alpha / sqrt(r) (rank-stabilised LoRA).")
  boolean rslora;

  @Option(names = "--whole-name-matching", description = "Match --modules-to-save by whole module name; by default, as PEFT of the "
      + "seed's era, by plain suffix (so \"classifier\" also trains DistilBERT's pre_classifier).")
  boolean wholeNames;

  @Option(names = "--peft-compat", description = "Leave modules the checkpoint lacked (BERT's pooler) frozen, exactly as PEFT does.")
  boolean peftCompat;

  @Option(names = "--new-head", description = "Start a fresh classifier even if the model has one for other labels.")
  boolean newHead;

  @Override
  public Integer call() {
    TrainingArguments args = train.arguments(data.seed);
    Engine.startInBackground(common.threads); // loads while the model folder is found and the data read
    LoraConfig lora = new LoraConfig(r, alpha, dropout, targets, modulesToSave, bias, rslora, !wholeNames);
    var modelDir = ModelArg.resolve(model);
    TextDataset dataset = Datasets.load(data.options()).withTrainSample(train.maxTrainSamples, data.seed);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("LoRA r=%d alpha=%s on %s, %s: %,d train / %,d validation / %,d test, %s, %d threads%n", r, alpha, model,
        dataset.name(), dataset.train().size(), dataset.validation().size(), dataset.test().size(),
        args.precision.name().toLowerCase(), Engine.threads());
    TrainingTable table = new TrainingTable(out);
    FineTuning.Result res = FineTuning.lora(new FineTuning.Job(modelDir, model, dataset, args, train.maxLength, newHead, table::row),
        lora, peftCompat);
    out.println(res.summary());
    Summary.print(out, res.training(), res.validation(), res.test(), dataset.labels(), args.outputDir);
    return 0;
  }
}
