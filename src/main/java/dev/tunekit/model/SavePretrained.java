package dev.tunekit.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.AtomicFile;
import dev.tunekit.TunekitException;
import dev.tunekit.tensors.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes a model folder the way HF's {@code save_pretrained} does, so Python's
 * {@code AutoModelForSequenceClassification.from_pretrained(dir)} loads it: config.json with
 * architectures, id2label and label2id; model.safetensors with HF names; the tokenizer files.
 */
public final class SavePretrained {
  static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
      "special_tokens_map.json", "vocab.txt");

  private SavePretrained() {}

  public static void save(SequenceClassifier model, Path tokenizerDir, Path out) {
    ObjectNode config = ModelConfig.jsonWithLabels(model.config().json(), model.config().labels());
    config.putArray("architectures").add(model.architecture());
    config.put("problem_type", "single_label_classification");
    config.put("torch_dtype", "float32");
    Map<String, Tensor> weights = new LinkedHashMap<>();
    model.parameters().forEach((name, t) -> weights.put(name, t.detach()));
    write(config, weights, tokenizerDir, out);
  }

  /** A model folder from a config and HF-named weights (merged LoRA models use this too). */
  public static void write(ObjectNode config, Map<String, Tensor> weights, Path tokenizerDir, Path out) {
    try {
      Files.createDirectories(out);
      SafeTensorsWriter.write(out.resolve("model.safetensors"), weights, Map.of("format", "pt"));
      String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(config);
      AtomicFile.writeText(out.resolve("config.json"), w -> w.write(json + "\n"));
      copyTokenizer(tokenizerDir, out);
    } catch (IOException e) {
      throw new TunekitException(out + ": cannot save the model (" + e.getMessage() + ")");
    }
  }

  /** Copies the tokenizer files {@code from} has into {@code out}. */
  public static void copyTokenizer(Path from, Path out) throws IOException {
    if (from.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
      return;
    }
    for (String name : TOKENIZER_FILES) {
      Path f = from.resolve(name);
      if (Files.isRegularFile(f)) {
        Path temp = out.resolve("." + name + ".tmp");
        Files.copy(f, temp, StandardCopyOption.REPLACE_EXISTING);
        AtomicFile.makeReadable(temp);
        Files.move(temp, out.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
