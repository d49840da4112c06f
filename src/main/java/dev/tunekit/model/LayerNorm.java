package dev.tunekit.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** Layer normalisation over the last dimension, with learned scale and shift. */
public final class LayerNorm {
  public final Tensor weight;
  public final Tensor bias;
  private final long[] shape;
  private final double eps;

  public LayerNorm(Weights w, int dim, double eps) {
    this.weight = w.get("weight", Weights.Init.ONES, dim);
    this.bias = w.get("bias", Weights.Init.ZEROS, dim);
    w.markLayerNorm("weight", "bias");
    this.shape = new long[] {dim};
    this.eps = eps;
  }

  public Tensor forward(Tensor x) {
    return torch.layer_norm(x, shape, new TensorOptional(weight), new TensorOptional(bias), eps, true);
  }
}
