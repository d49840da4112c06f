package dev.tunekit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.tensors.Engine;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class AdamWTest {
  /** The fused step equals clip_grad_norm_'s scaling, then step, then zero_grad, done one by one. */
  @Test
  void fusedClipAndZeroEqualTheSeparateOperations() {
    Engine.start();
    torch.manual_seed(9);
    Tensor init = torch.randn(300, 70);
    ParameterGroup a = ParameterGroup.flatten("a", 0.01, Map.of("w", init.clone()));
    ParameterGroup b = ParameterGroup.flatten("b", 0.01, Map.of("w", init.clone()));
    AdamW separate = new AdamW(List.of(a));
    AdamW fused = new AdamW(List.of(b));
    for (int step = 0; step < 3; step++) {
      Tensor g = torch.randn(300 * 70).mul(new Scalar(3));
      try (NoGradGuard noGrad = new NoGradGuard()) {
        a.grad().copy_(g);
        b.grad().copy_(g);
      }
      double norm = AdamW.gradNorm(List.of(a));
      double coef = AdamW.clipCoefficient(norm, 1.0);
      assertTrue(coef < 1, "the gradient is clipped");
      try (NoGradGuard noGrad = new NoGradGuard()) {
        a.grad().mul_(new Scalar(coef));
      }
      separate.step(2e-3);
      a.zeroGrad();
      fused.step(2e-3, coef, true);
      assertTrue(torch.equal(a.data(), b.data()), "parameters after step " + (step + 1));
      assertEquals(0.0, b.grad().abs().max().item_double(), "gradients zeroed");
    }
    assertEquals(1.0, AdamW.clipCoefficient(0.5, 1.0));
    assertEquals(1.0, AdamW.clipCoefficient(50, 0), "max norm 0: no clipping");
  }

  /**
   * The clipping norm is close to the exact one: one float32 reduction over a whole flat group
   * (24M values here) is 1e-3 off, per parameter as PyTorch takes it (4M values each) about 1e-4
   * off; short rows are well within 1e-5.
   */
  @Test
  void gradientNormIsCloseToTheExactNorm() {
    Engine.start();
    torch.manual_seed(4);
    Map<String, Tensor> params = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      params.put("w" + i, torch.zeros(2048, 2048));
    }
    params.put("b", torch.zeros(1000)); // a remainder after the last whole row
    ParameterGroup group = ParameterGroup.flatten("g", 0.0, params);
    try (NoGradGuard noGrad = new NoGradGuard()) {
      group.grad().normal_().mul_(new Scalar(1e-3));
    }
    int n = (int) group.grad().numel();
    java.nio.FloatBuffer g = new org.bytedeco.javacpp.FloatPointer(group.grad().data_ptr()).capacity(n).limit(n).asBuffer();
    double sq = 0;
    for (int i = 0; i < n; i++) {
      sq += (double) g.get(i) * g.get(i);
    }
    double exact = Math.sqrt(sq);
    assertEquals(exact, AdamW.gradNorm(List.of(group)), 1e-5 * exact);
  }
}
