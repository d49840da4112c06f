package dev.tunekit.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Trainable parameters with one weight decay, stored back to back in one flat float32 buffer,
 * their gradients in another. Each model parameter becomes a view into the buffer (same
 * tensor object, new storage), and its {@code .grad} a view into the gradient buffer, which
 * autograd accumulates into in place. The optimizer, gradient clipping and zeroing then touch
 * one big tensor instead of a hundred small ones.
 */
public final class ParameterGroup {
  private final String name;
  private final double weightDecay;
  private final Map<String, Tensor> parameters;
  private final Tensor data;
  private final Tensor grad;

  private ParameterGroup(String name, double weightDecay, Map<String, Tensor> parameters, Tensor data, Tensor grad) {
    this.name = name;
    this.weightDecay = weightDecay;
    this.parameters = parameters;
    this.data = data;
    this.grad = grad;
  }

  /** Moves {@code params} (name to tensor, float32) into one flat buffer and makes them trainable. */
  public static ParameterGroup flatten(String name, double weightDecay, Map<String, Tensor> params) {
    long total = 0;
    for (Tensor p : params.values()) {
      total += p.numel();
    }
    Tensor data = torch.zeros(Math.max(1, total));
    Tensor grad = torch.zeros(Math.max(1, total));
    try (NoGradGuard noGrad = new NoGradGuard()) {
      long offset = 0;
      for (Tensor p : params.values()) {
        long n = p.numel();
        long[] shape = p.shape();
        data.narrow(0, offset, n).copy_(p.reshape(n));
        p.set_(data, offset, shape, contiguousStrides(shape));
        p.set_requires_grad(true);
        p.mutable_grad().put(grad.narrow(0, offset, n).view(shape));
        offset += n;
      }
    }
    return new ParameterGroup(name, weightDecay, Collections.unmodifiableMap(new LinkedHashMap<>(params)), data, grad);
  }

  private static long[] contiguousStrides(long[] shape) {
    long[] strides = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    return strides;
  }

  public String name() {
    return name;
  }

  public double weightDecay() {
    return weightDecay;
  }

  public Map<String, Tensor> parameters() {
    return parameters;
  }

  /** All parameters of the group, flat. */
  public Tensor data() {
    return data;
  }

  /** All gradients of the group, flat. */
  public Tensor grad() {
    return grad;
  }

  public long size() {
    return parameters.values().stream().mapToLong(Tensor::numel).sum();
  }

  public void zeroGrad() {
    grad.zero_();
  }

  /** Splits trainable parameters into HF Trainer's two groups: decayed, and not (biases, LayerNorm). */
  public static List<ParameterGroup> forTraining(Map<String, Tensor> trainable, java.util.Set<String> noDecay,
      double weightDecay) {
    Map<String, Tensor> decay = new LinkedHashMap<>();
    Map<String, Tensor> keep = new LinkedHashMap<>();
    trainable.forEach((n, t) -> (noDecay.contains(n) ? keep : decay).put(n, t));
    List<ParameterGroup> groups = new ArrayList<>();
    if (!decay.isEmpty()) {
      groups.add(flatten("decay", weightDecay, decay));
    }
    if (!keep.isEmpty()) {
      groups.add(flatten("no_decay", 0.0, keep));
    }
    return groups;
  }
}
