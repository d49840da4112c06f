package dev.tunekit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.JsonFiles;
import dev.tunekit.TunekitException;
import java.nio.file.Path;

/** What every supported architecture's {@code config.json} tells us. */
public sealed interface ModelConfig permits DistilBert.Config, Bert.Config {
  /** HF's {@code model_type}: "distilbert" or "bert". */
  String modelType();

  /** Width of the hidden states (DistilBERT {@code dim}, BERT {@code hidden_size}). */
  int hiddenSize();

  int numLayers();

  int numHeads();

  /** Longest sequence the position embeddings cover. */
  int maxPositions();

  int vocabSize();

  double initializerRange();

  Labels labels();

  /** The prefix HF puts before encoder weights in task models ({@code base_model_prefix}). */
  String basePrefix();

  /** The config as read, every key kept, so that saving writes back what Python wrote. */
  ObjectNode json();

  /** The same config with other class labels (a new classification head's). */
  ModelConfig withLabels(Labels labels);

  /** A copy of {@code json} with HF's {@code id2label} / {@code label2id} for {@code labels}. */
  static ObjectNode jsonWithLabels(ObjectNode json, Labels labels) {
    ObjectNode copy = json.deepCopy();
    copy.remove("num_labels");
    ObjectNode id2label = copy.putObject("id2label");
    labels.id2label().forEach(id2label::put);
    ObjectNode label2id = copy.putObject("label2id");
    labels.label2id().forEach(label2id::put);
    return copy;
  }

  ObjectMapper JSON = new ObjectMapper();

  /** Reads {@code dir/config.json}. */
  static ModelConfig read(Path dir) {
    Path file = dir.resolve("config.json");
    JsonNode root = JsonFiles.read(file, "config.json not found; a HuggingFace model folder holds config.json, "
        + "model.safetensors and tokenizer.json", "fix config.json");
    if (!root.isObject()) {
      throw new TunekitException(file + ": not a JSON object; fix config.json");
    }
    return parse((ObjectNode) root, file);
  }

  /** Builds the config of a parsed {@code config.json}; {@code file} is named in errors. */
  static ModelConfig parse(ObjectNode root, Path file) {
    ConfigJson json = new ConfigJson(root, file);
    String type = json.text("model_type", null);
    if (type == null) {
      throw new TunekitException(file + ": no \"model_type\"; add \"model_type\": \"distilbert\" or "
          + "\"bert\" to config.json");
    }
    return switch (type) {
      case "distilbert" -> DistilBert.Config.from(json);
      case "bert" -> Bert.Config.from(json);
      default -> throw new TunekitException(file + ": model_type \"" + type + "\" is not supported; "
          + "tunekit runs \"distilbert\" and \"bert\" models");
    };
  }
}
