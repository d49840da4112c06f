package dev.tunekit.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** y = x W^T + b, with W stored [out, in] as in PyTorch. */
public class Linear {
  public final Tensor weight;
  public final Tensor bias;
  public final int in;
  public final int out;

  public Linear(Weights w, int in, int out) {
    this.in = in;
    this.out = out;
    this.weight = w.get("weight", Weights.Init.NORMAL, out, in);
    this.bias = w.get("bias", Weights.Init.ZEROS, out);
  }

  public Tensor forward(Tensor x) {
    return torch.linear(x, weight, new TensorOptional(bias));
  }
}
