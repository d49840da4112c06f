package dev.tunekit.cli;

import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.hub.ModelSources;
import java.nio.file.Path;

/** Turns a {@code --model} value into a local HF model folder. */
final class ModelArg {
  private ModelArg() {}

  /** A folder, a Hub id (org/name[@revision], HF cache first) or "minilm" (the embedded model). */
  static Path resolve(String spec) {
    return ModelSources.resolve(spec);
  }

  /** The lab's default model: distilbert-base-uncased where it resolves, else the embedded MiniLM. */
  static String defaultModel() {
    try {
      resolve("distilbert-base-uncased");
      return "distilbert-base-uncased";
    } catch (TunekitException e) {
      Log.info("distilbert-base-uncased is not in the HF cache and the Hub is not reachable; using the embedded "
          + "all-MiniLM-L6-v2 (minilm) instead");
      return "minilm";
    }
  }
}
