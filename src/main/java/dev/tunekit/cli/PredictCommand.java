package dev.tunekit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.TunekitException;
import dev.tunekit.pipeline.TextClassifier;
import dev.tunekit.tensors.Engine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit predict}: label and probability per text; texts as arguments, or JSONL on stdin. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Classify texts given as arguments (a table), or {\"text\"} JSON lines on stdin (JSON lines out).")
final class PredictCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "M", description = "A fine-tuned model folder (or the base model with --adapter).")
  String model;

  @Option(names = "--adapter", paramLabel = "DIR", description = "A PEFT LoRA adapter folder to apply to --model.")
  Path adapter;

  @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to classify; none reads JSON lines from stdin.")
  List<String> texts = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    Engine.startInBackground(common.threads); // loads while the model's config and tokenizer load
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper json = new ObjectMapper();
    boolean fromStdin = texts.isEmpty();
    List<String> input = fromStdin ? readStdin(json) : texts;
    try (TextClassifier clf = TextClassifier.load(ModelArg.resolve(model), adapter)) {
      List<TextClassifier.Prediction> predictions = clf.predict(input);
      for (int i = 0; i < input.size(); i++) {
        TextClassifier.Prediction p = predictions.get(i);
        if (fromStdin) {
          ObjectNode line = json.createObjectNode().put("text", input.get(i)).put("label", p.label()).put("score", p.score());
          out.println(json.writeValueAsString(line));
        } else {
          out.printf("%-10s %.4f  %s%n", p.label(), p.score(), input.get(i));
        }
      }
    }
    out.flush();
    return 0;
  }

  private static List<String> readStdin(ObjectMapper json) throws IOException {
    List<String> out = new ArrayList<>();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      var node = json.readTree(line);
      if (node == null || !node.path("text").isTextual()) {
        throw new TunekitException("stdin:" + n + ": each line must be a JSON object with a string \"text\"");
      }
      out.add(node.get("text").asText());
    }
    if (out.isEmpty()) {
      throw new TunekitException("nothing to classify; give texts as arguments or {\"text\": ...} lines on stdin");
    }
    return out;
  }
}
