package dev.tunekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.tensors.Precision;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class LinearTest {
  /**
   * A frozen layer keeps one bf16 copy of W under autocast: the same numbers as autocast's own
   * cast, forward and input gradient, even when the copy was first made under inference mode
   * inside a scope that has closed since (it must be neither an inference tensor nor freed).
   */
  @Test
  void frozenBf16CopyGivesAutocastsNumbersAndOutlivesScopes() {
    ModelConfig config = AutoModel.config(Fixtures.fixture("tiny-distilbert").resolve("model"));
    torch.manual_seed(7);
    Linear frozen = Weights.fresh(config).linear("a", 16, 8);
    Linear plain = Weights.fresh(config).linear("a", 16, 8);
    try (NoGradGuard g = new NoGradGuard()) {
      plain.weight.copy_(frozen.weight);
      plain.bias.copy_(frozen.bias.add(new org.bytedeco.pytorch.Scalar(0.5)));
      frozen.bias.copy_(plain.bias);
    }
    frozen.frozen(true);
    Tensor x = torch.randn(4, 16);
    try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode();
        Precision.Region r = Precision.BF16.enter()) {
      frozen.forward(x); // the copy is made here
    }
    System.gc();
    try (PointerScope s = new PointerScope(); Precision.Region r = Precision.BF16.enter()) {
      Tensor xa = x.clone().requires_grad_(true);
      Tensor xb = x.clone().requires_grad_(true);
      Tensor ya = frozen.forward(xa);
      Tensor yb = plain.forward(xb);
      assertEquals(torch.ScalarType.BFloat16.value, ya.scalar_type().value);
      assertTrue(torch.equal(ya, yb), "forward equals autocast's");
      ya.sum().backward();
      yb.sum().backward();
      assertTrue(torch.equal(xa.grad(), xb.grad()), "input gradient equals autocast's");
    }
    assertTrue(torch.equal(frozen.forward(x), plain.forward(x)), "without autocast: float32 W");
  }
}
