package dev.tunekit.bench;

import dev.tunekit.model.ModelConfig;
import java.util.List;

/**
 * Floating-point operations of an encoder pass, counted the usual way (a multiply-add is 2):
 * every Linear of every layer over every padded token, plus attention's two T x T products.
 * Embedding look-ups, LayerNorm and softmax are left out (they are not matrix work). A training
 * step costs three passes (forward, and backward for inputs and for weights).
 */
public final class Flops {
  private Flops() {}

  /** Forward FLOPs of one batch of {@code rows}, padded to its longest. */
  public static double forward(ModelConfig c, List<long[]> rows, int ffn) {
    long t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    long b = rows.size();
    long d = c.hiddenSize();
    double linear = 2.0 * b * t * (4.0 * d * d + 2.0 * d * ffn);
    double attention = 2.0 * 2.0 * b * t * t * d;
    return c.numLayers() * (linear + attention);
  }

  /**
   * Forward FLOPs when only token 0 leaves the last layer ({@code Encoder.firstToken}, what
   * classification and [CLS] features run): that layer projects keys and values for every token
   * but queries, the output projection and the feed-forward for one.
   */
  public static double forwardFirstToken(ModelConfig c, List<long[]> rows, int ffn) {
    long t = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    long b = rows.size();
    long d = c.hiddenSize();
    double lastLayer = 2.0 * b * t * 2.0 * d * d + 2.0 * b * (2.0 * d * d + 2.0 * d * ffn) + 2.0 * 2.0 * b * t * d;
    return forward(c, rows, ffn) / c.numLayers() * (c.numLayers() - 1) + lastLayer;
  }
}
