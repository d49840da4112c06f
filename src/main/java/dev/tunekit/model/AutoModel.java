package dev.tunekit.model;

import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tokenize.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Loads a HuggingFace model folder (config.json, model.safetensors, tokenizer.json) into the
 * matching architecture, as {@code AutoModel} / {@code AutoModelForSequenceClassification} do.
 */
public final class AutoModel {
  private AutoModel() {}

  /** The config of the model in {@code dir}. */
  public static ModelConfig config(Path dir) {
    checkFolder(dir);
    return ModelConfig.read(dir);
  }

  /**
   * The bare encoder (DistilBertModel, BertModel without pooler) in evaluation mode, for
   * inference: its Linear weights are frozen, so under bf16 they are cast once, not per batch.
   */
  public static Encoder encoder(Path dir) {
    ModelConfig config = config(dir);
    return load(dir, config, (w, c) -> newEncoder(w.withLinears(LinearFactory.FROZEN), c));
  }

  /** The bare encoder of {@code config}'s architecture, built from {@code w}. */
  public static Encoder newEncoder(Weights w, ModelConfig config) {
    return config instanceof DistilBert.Config d
        ? new DistilBert.Model(w, d)
        : new Bert.Model(w, (Bert.Config) config, false);
  }

  /** The encoder with its classification head, in evaluation mode. */
  public static SequenceClassifier classifier(Path dir) {
    return classifier(dir, config(dir));
  }

  /** As {@link #classifier(Path)}, with a config changed by the caller (e.g. other labels). */
  public static SequenceClassifier classifier(Path dir, ModelConfig config) {
    return load(dir, config, AutoModel::newClassifier);
  }

  /**
   * The model with a head for {@code labels}, ready to fine-tune. A checkpoint whose head was
   * trained for other labels is refused unless {@code newHead}, which starts the classifier fresh.
   */
  public static SequenceClassifier forLabels(Path dir, Labels labels, boolean newHead) {
    return forLabels(dir, labels, newHead, LinearFactory.PLAIN);
  }

  /** As {@link #forLabels(Path, Labels, boolean)}, building Linear layers through {@code linears} (LoRA). */
  public static SequenceClassifier forLabels(Path dir, Labels labels, boolean newHead, LinearFactory linears) {
    return forLabels(dir, labels, newHead, linears, true);
  }

  /**
   * As above; {@code reportFresh} false stays silent about newly initialised weights (an adapter
   * about to be loaded supplies them).
   */
  public static SequenceClassifier forLabels(Path dir, Labels labels, boolean newHead, LinearFactory linears,
      boolean reportFresh) {
    ModelConfig config = config(dir);
    boolean hasHead;
    try (SafeTensors file = SafeTensors.open(weightsFile(dir))) {
      hasHead = file.contains("classifier.weight");
    }
    boolean generic = config.labels().equals(Labels.generic(config.labels().count()));
    boolean differ = !config.labels().equals(labels) && !(generic && config.labels().count() == labels.count());
    if (hasHead && differ && !newHead) {
      throw new TunekitException(dir + ": the model's head was trained for labels " + config.labels().names()
          + " but the dataset has " + labels.names() + "; pass --new-head to train a fresh classifier head");
    }
    ModelConfig withLabels = config.withLabels(labels);
    boolean fresh = hasHead && (differ || newHead);
    return load(dir, withLabels, reportFresh, (w, c) -> {
      w.withLinears(linears);
      if (fresh) {
        w.reinitialise("classifier");
        if (reportFresh) {
          Log.info("starting a fresh classifier head for labels " + labels.names());
        }
      }
      return newClassifier(w, c);
    });
  }

  /** The folder's tokenizer, truncating to what the model's positions allow. */
  public static Tokenizer tokenizer(Path dir, ModelConfig config) {
    checkFolder(dir);
    int pad = config.json().path("pad_token_id").asInt(0);
    return Tokenizer.load(dir, config.maxPositions(), pad);
  }

  /** The classification model of {@code config}'s architecture, built from {@code w}. */
  public static SequenceClassifier newClassifier(Weights w, ModelConfig config) {
    return config instanceof DistilBert.Config d
        ? new DistilBert.ForSequenceClassification(w, d)
        : new Bert.ForSequenceClassification(w, (Bert.Config) config);
  }

  private static <T> T load(Path dir, ModelConfig config, BiFunction<Weights, ModelConfig, T> build) {
    return load(dir, config, true, build);
  }

  private static <T> T load(Path dir, ModelConfig config, boolean reportFresh, BiFunction<Weights, ModelConfig, T> build) {
    Engine.start();
    try (SafeTensors file = SafeTensors.open(weightsFile(dir))) {
      Weights weights = Weights.from(file, config);
      T model = build.apply(weights, config);
      if (reportFresh) {
        report(dir, weights.missing(), "were not in the checkpoint and are newly initialised");
      }
      return model;
    }
  }

  private static void report(Path dir, List<String> names, String what) {
    if (!names.isEmpty()) {
      Log.warn(names.size() + " weights of " + dir.getFileName() + " " + what + ": "
          + String.join(", ", names));
    }
  }

  static Path weightsFile(Path dir) {
    Path file = dir.resolve("model.safetensors");
    if (Files.isRegularFile(file)) {
      return file;
    }
    if (Files.isRegularFile(dir.resolve("pytorch_model.bin"))) {
      throw pickleRefused(dir.resolve("pytorch_model.bin").toString(), "dir");
    }
    throw new TunekitException(file + ": model.safetensors not found; a HuggingFace model folder "
        + "holds config.json, model.safetensors and tokenizer.json");
  }

  /**
   * Why a {@code pytorch_model.bin} (pickle) checkpoint is refused, with the one-time conversion
   * that fixes it; {@code source} is what to pass to {@code from_pretrained} (a folder or Hub id).
   */
  public static TunekitException pickleRefused(String where, String source) {
    return new TunekitException(where + ": pickle checkpoints are not loaded (they can run code); convert once "
        + "in Python: AutoModel.from_pretrained(" + source + ").save_pretrained(dir, safe_serialization=True)");
  }

  private static void checkFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new TunekitException(dir + ": model folder not found; give a folder with config.json, "
          + "model.safetensors and tokenizer.json");
    }
  }
}
