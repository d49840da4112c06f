package dev.tunekit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.AtomicFile;
import dev.tunekit.TunekitException;
import dev.tunekit.data.JsonLinesReader;
import dev.tunekit.pipeline.FeatureExtractor;
import dev.tunekit.pipeline.Pooling;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit embed}: sentence vectors from a model's last layer, one JSON line per text. */
@Command(name = "embed", mixinStandardHelpOptions = true,
    description = "Write one JSON line {\"text\", \"embedding\"} per text.")
final class EmbedCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "MODEL",
      description = "A model folder, a Hub id (org/name[@revision]) or 'minilm' (the embedded all-MiniLM-L6-v2).")
  String model;

  @Option(names = "--pooling", defaultValue = "cls", paramLabel = "cls|mean",
      description = "[CLS] vector or mask-aware mean (default: ${DEFAULT-VALUE}).")
  String pooling;

  @Option(names = "--text", paramLabel = "TEXT", description = "A text to embed (repeatable).")
  List<String> texts = new ArrayList<>();

  @Option(names = "--input", paramLabel = "F.jsonl", description = "Texts to embed: lines of {\"text\": ...}.")
  Path input;

  @Option(names = "--out", paramLabel = "F.jsonl", description = "Write here instead of standard output.")
  Path out;

  @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|bf16",
      description = "bf16 runs matmuls in bfloat16 (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N", description = "Texts per forward pass.")
  int batchSize;

  @Override
  public Integer call() {
    Pooling pool = Pooling.parse(pooling);
    Precision prec = Precision.parse(precision);
    List<String> all = new ArrayList<>(texts);
    if (input != null) {
      all.addAll(JsonLinesReader.readTexts(input, "text"));
    }
    if (all.isEmpty()) {
      throw new TunekitException("nothing to embed; give --text \"...\" or --input F.jsonl");
    }
    // libtorch loads while the model folder is found (the first time, prepared) and its tokenizer loads
    Engine.startInBackground(common.threads);
    Path dir = ModelArg.resolve(model);
    float[][] vectors;
    try (FeatureExtractor extractor = FeatureExtractor.load(dir)) {
      vectors = extractor.precision(prec).batchSize(batchSize).embed(all, pool);
    }
    if (out != null) {
      AtomicFile.writeText(out, w -> writeLines(w, all, vectors));
    } else {
      PrintWriter stdout = spec.commandLine().getOut();
      BufferedWriter w = new BufferedWriter(stdout);
      try {
        writeLines(w, all, vectors);
        w.flush();
      } catch (IOException e) {
        throw new TunekitException("cannot write to standard output (" + e.getMessage() + ")");
      }
    }
    return 0;
  }

  private static void writeLines(BufferedWriter w, List<String> texts, float[][] vectors) throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < texts.size(); i++) {
      ObjectNode line = json.createObjectNode();
      line.put("text", texts.get(i));
      ArrayNode embedding = line.putArray("embedding");
      for (float v : vectors[i]) {
        embedding.add(v);
      }
      w.write(json.writeValueAsString(line));
      w.write('\n');
    }
  }
}
