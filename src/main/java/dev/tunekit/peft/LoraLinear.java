package dev.tunekit.peft;

import dev.tunekit.model.Dropout;
import dev.tunekit.model.Linear;
import dev.tunekit.model.Weights;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A Linear layer with a low-rank update (Hu et al., 2021), as PEFT's {@code lora.Linear}:
 * {@code y = W x + b + (B A dropout(x)) * scaling}, W frozen, A [r, in] and B [out, r] trained.
 * A starts kaiming-uniform (a = sqrt(5)), B at zero, so training starts from the base model.
 */
public final class LoraLinear extends Linear {
  public final Tensor loraA;
  public final Tensor loraB;
  private final double scaling;
  private final double dropout;
  private boolean training;
  private boolean merged;

  LoraLinear(Weights w, int in, int out, int r, double scaling, double dropout) {
    super(w, in, out);
    this.scaling = scaling;
    this.dropout = dropout;
    // PEFT: nn.init.kaiming_uniform_(lora_A, a=sqrt(5)) -> U(-1/sqrt(in), 1/sqrt(in)); lora_B = 0.
    double bound = 1.0 / Math.sqrt(in);
    this.loraA = torch.rand(r, in).mul_(new Scalar(2 * bound)).sub_(new Scalar(bound));
    this.loraB = torch.zeros(out, r);
  }

  void train(boolean on) {
    this.training = on;
  }

  @Override
  protected boolean stackable() {
    return false; // the adapter's product is added to W's
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor y = super.forward(x);
    if (merged) {
      return y;
    }
    Tensor h = Dropout.apply(x, dropout, training);
    return y.add(torch.linear(torch.linear(h, loraA), loraB).mul(new Scalar(scaling)));
  }

  /** W += scaling * B A: the layer then computes the same without the adapter's cost. */
  void merge() {
    if (!merged) {
      try (NoGradGuard g = new NoGradGuard()) {
        weight.add_(torch.matmul(loraB, loraA).mul(new Scalar(scaling)));
      }
      merged = true;
      weightChanged();
    }
  }

  /** W + scaling * B A, leaving the layer as it is. */
  public Tensor mergedWeight() {
    try (NoGradGuard g = new NoGradGuard()) {
      return merged ? weight.clone() : weight.add(torch.matmul(loraB, loraA).mul(new Scalar(scaling)));
    }
  }
}
