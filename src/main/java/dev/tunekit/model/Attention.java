package dev.tunekit.model;

import dev.tunekit.tensors.Precision;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Multi-head scaled dot-product attention, shared by DistilBERT and BERT.
 *
 * <p>Runs libtorch's fused {@code scaled_dot_product_attention}: softmax(q k^T / sqrt(d)) v with
 * padded keys masked out. HF masks keys only (padded query rows are computed normally), which is
 * exactly what a boolean key mask does here, so the numbers match HF's eager attention.
 */
public final class Attention {
  private Attention() {}

  /** A [B, T] 0/1 attention mask as the [B, 1, 1, T] boolean key mask SDPA takes. */
  public static Tensor keyMask(Tensor attentionMask) {
    return attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(2);
  }

  /**
   * Attends {@code q}, {@code k}, {@code v} ([B, T, H]) over {@code heads} heads and returns the
   * merged context [B, T, H].
   */
  public static Tensor multiHead(Tensor q, Tensor k, Tensor v, Tensor keyMask, int heads,
      double dropout, boolean training) {
    long batch = q.size(0);
    long length = q.size(1);
    long hidden = q.size(2);
    long headDim = hidden / heads;
    // In float32 even under bf16 autocast: libtorch's CPU bf16 attention kernel is ~9x slower
    // here, and attention is a small share of the FLOPs.
    Tensor context = Precision.inFloat32(() -> torch.scaled_dot_product_attention(
        split(q, heads, headDim), split(k, heads, headDim), split(v, heads, headDim),
        new TensorOptional(keyMask), training ? dropout : 0.0, false, new DoubleOptional(), false));
    return context.transpose(1, 2).reshape(batch, length, hidden);
  }

  /** [B, T, H] to [B, heads, T, H / heads]. */
  private static Tensor split(Tensor x, int heads, long headDim) {
    return x.to(ScalarType.Float).view(x.size(0), x.size(1), heads, headDim).transpose(1, 2);
  }
}
