package dev.tunekit.model;

import dev.tunekit.tensors.Tensors;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** y = x W^T + b, with W stored [out, in] as in PyTorch. */
public class Linear {
  public final Tensor weight;
  public final Tensor bias;
  public final int in;
  public final int out;
  private boolean frozen;
  private Tensor bf16Weight;
  private long weightVersion;

  public Linear(Weights w, int in, int out) {
    this.in = in;
    this.out = out;
    this.weight = w.get("weight", Weights.Init.NORMAL, out, in);
    this.bias = w.get("bias", Weights.Init.ZEROS, out);
  }

  /**
   * One 2-D matrix product over all leading dimensions. libtorch's {@code linear} picks its kernel
   * for a 3-D input by whether W requires gradients, so a model in training and the same weights
   * loaded back would differ in the last bits; a 2-D input always takes the same path.
   */
  public Tensor forward(Tensor x) {
    long[] shape = x.sizes().vec().get();
    shape[shape.length - 1] = out;
    return torch.linear(x.reshape(-1, in), computeWeight(), new TensorOptional(bias)).view(shape);
  }

  /**
   * Marks W as not trained (adapters freeze the base model; an encoder loaded for features is
   * never trained). Under bf16 autocast a frozen W is
   * then cast once and kept, instead of cast again in every forward pass: autocast caches casts
   * only of weights that require gradients. The numbers are the same.
   */
  public void frozen(boolean on) {
    frozen = on;
    weightChanged();
  }

  /** W was changed in place: a kept copy is stale. */
  protected synchronized void weightChanged() {
    if (bf16Weight != null) {
      bf16Weight.releaseReference();
      bf16Weight = null;
    }
    weightVersion++;
  }

  /** Counts the changes of W (and of its frozen state): copies made from W compare it. */
  long weightVersion() {
    return weightVersion;
  }

  /**
   * Whether this layer may run stacked with others over the same input ({@link QueryKeyValue}):
   * a frozen W and nothing else in the layer (adapters say no).
   */
  protected boolean stackable() {
    return frozen;
  }

  /** The weight the matrix product uses: W, or under bf16 autocast W's kept bf16 copy if W is frozen. */
  protected Tensor computeWeight() {
    if (!frozen || !torch.is_autocast_enabled(DeviceType.CPU) || weight.requires_grad() && GradMode.is_enabled()) {
      return weight; // a W that autograd may train is never replaced by a copy
    }
    synchronized (this) { // inference streams may ask for it at the same time
      if (bf16Weight == null) {
        bf16Weight = Tensors.kept(() -> weight.detach().to(ScalarType.BFloat16));
      }
      return bf16Weight;
    }
  }
}
