package dev.tunekit.model;

import dev.tunekit.TunekitException;
import org.bytedeco.pytorch.Tensor;

/** Absolute position embeddings cover a fixed length; a longer input is a clear error, not an index crash. */
final class Positions {
  private Positions() {}

  static void check(Tensor inputIds, Tensor positionEmbeddings) {
    long length = inputIds.size(1);
    long max = positionEmbeddings.size(0);
    if (length > max) {
      throw new TunekitException("a sequence of " + length + " tokens is longer than the model's " + max
          + " positions; truncate it (the tokenizer does, up to max_position_embeddings)");
    }
  }
}
