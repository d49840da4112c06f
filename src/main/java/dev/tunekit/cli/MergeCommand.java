package dev.tunekit.cli;

import dev.tunekit.peft.LoraModel;
import dev.tunekit.tensors.Engine;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit merge}: fold a LoRA adapter into its base model (W + scaling B A). */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Write base model + LoRA adapter as one plain HuggingFace model folder.")
final class MergeCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "M", description = "The base model the adapter was trained on.")
  String model;

  @Option(names = "--adapter", required = true, paramLabel = "DIR", description = "A PEFT LoRA adapter folder.")
  Path adapter;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Option(names = "--overwrite", description = "Write into --out even if it holds files.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    OutputFolder.prepare(out, overwrite, false, false);
    Engine.startInBackground(common.threads);
    Path modelDir = ModelArg.resolve(model);
    LoraModel.load(modelDir, adapter).saveMerged(modelDir, out);
    spec.commandLine().getOut().println("merged " + adapter + " into " + model + ": " + out);
    return 0;
  }
}
