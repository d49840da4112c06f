package dev.tunekit.model;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Multi-head scaled dot-product attention, shared by DistilBERT and BERT.
 *
 * <p>softmax(q k^T / sqrt(d)) v with padded keys masked out: libtorch's fused
 * {@code scaled_dot_product_attention} in float32 inference, HF's eager formula in training and
 * under bf16 autocast. HF masks keys only (padded query rows are computed normally), which is
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
    Tensor qh = split(q, heads, headDim);
    Tensor kh = split(k, heads, headDim);
    Tensor vh = split(v, heads, headDim);
    double p = training ? dropout : 0.0;
    Tensor context = p > 0 || torch.is_autocast_enabled(DeviceType.CPU)
        ? eager(qh, kh, vh, keyMask, headDim, p)
        // Float32 without dropout: libtorch's fused kernel, which never materialises the [T x T] probabilities.
        : torch.scaled_dot_product_attention(qh, kh, vh, new TensorOptional(keyMask), 0.0, false, new DoubleOptional(), false);
    return context.transpose(1, 2).reshape(batch, length, hidden);
  }

  /**
   * HF's eager attention (under bf16 autocast: both products in bf16, softmax in float32), with
   * tunekit's dropout on the probabilities, so float32 and bf16 training draw the same masks.
   * libtorch's fused CPU kernel is slower here in bf16 (it was ~9x on the first machine) and with
   * dropout (its bernoulli): for RT's short sequences this path takes about half its time.
   */
  private static Tensor eager(Tensor q, Tensor k, Tensor v, Tensor keyMask, long headDim, double dropout) {
    Tensor scores = torch.matmul(q.mul(new Scalar(1.0 / Math.sqrt(headDim))), k.transpose(-2, -1));
    scores = scores.masked_fill(keyMask.logical_not(), new Scalar(Float.NEGATIVE_INFINITY));
    Tensor probs = torch.softmax(scores, -1, new ScalarTypeOptional(ScalarType.Float));
    return torch.matmul(Dropout.apply(probs, dropout, dropout > 0), v);
  }

  /** [B, T, H] to [B, heads, T, H / heads]. */
  private static Tensor split(Tensor x, int heads, long headDim) {
    return x.view(x.size(0), x.size(1), heads, headDim).transpose(1, 2);
  }
}
