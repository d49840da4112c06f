package dev.tunekit.pipeline;

import dev.tunekit.TunekitException;
import java.util.Locale;
import org.bytedeco.pytorch.Tensor;

/** How a sentence vector is read off the hidden states [B, T, H]. */
public enum Pooling {
  /** The first token's state ([CLS]): what the seed's SVM used. */
  CLS,
  /** The mean over real tokens ([CLS] and [SEP] included): sentence-transformers' pooling. */
  MEAN;

  /** Pools {@code hidden} [B, T, H] with the 0/1 {@code attentionMask} [B, T] into [B, H]. */
  public Tensor apply(Tensor hidden, Tensor attentionMask) {
    if (this == CLS) {
      return hidden.select(1, 0);
    }
    Tensor mask = attentionMask.to(hidden.scalar_type()).unsqueeze(2);
    return hidden.mul(mask).sum(1).div(mask.sum(1));
  }

  public static Pooling parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "cls" -> CLS;
      case "mean" -> MEAN;
      default -> throw new TunekitException("pooling \"" + s + "\" is unknown; use cls or mean");
    };
  }

}
