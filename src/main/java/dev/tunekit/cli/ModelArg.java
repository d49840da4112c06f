package dev.tunekit.cli;

import java.nio.file.Path;

/** Turns a {@code --model} value into a local HF model folder. */
final class ModelArg {
  private ModelArg() {}

  static Path resolve(String spec) {
    return Path.of(spec);
  }
}
