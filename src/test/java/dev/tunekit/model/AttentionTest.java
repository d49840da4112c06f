package dev.tunekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The two attention paths (libtorch's fused kernel, HF's eager formula) compute the same thing. */
class AttentionTest {
  private static final int HEADS = 2;
  private static Tensor q;
  private static Tensor k;
  private static Tensor v;
  private static Tensor keyMask;

  @BeforeAll
  static void inputs() {
    Engine.start();
    torch.manual_seed(7);
    q = torch.randn(3, 6, 16);
    k = torch.randn(3, 6, 16);
    v = torch.randn(3, 6, 16);
    // Lengths 6, 4 and 1: padded keys must get no weight.
    Tensor mask = torch.ones(3, 6).to(ScalarType.Long);
    mask.select(0, 1).narrow(0, 4, 2).zero_();
    mask.select(0, 2).narrow(0, 1, 5).zero_();
    keyMask = Attention.keyMask(mask);
  }

  @Test
  void eagerFormulaEqualsFusedKernelInFloat32() {
    Tensor fused = Attention.multiHead(q, k, v, keyMask, HEADS, 0.1, false);
    // Training with a dropout too small to drop anything (its threshold rounds to 0) takes the eager path.
    Tensor eager = Attention.multiHead(q, k, v, keyMask, HEADS, 1e-12, true);
    assertTrue(torch.allclose(fused, eager, 1e-5, 1e-6, false), "max diff " + fused.sub(eager).abs().max().item_double());
    // The third sequence has one key: every query's context is that key's value.
    Tensor only = v.select(0, 2).select(0, 0);
    assertTrue(torch.allclose(eager.select(0, 2), only.expand(6, 16), 1e-6, 1e-6, false), "padded keys get no weight");
  }

  @Test
  void bf16AutocastFollowsFloat32() {
    Tensor fp32 = Attention.multiHead(q, k, v, keyMask, HEADS, 0.1, false);
    Tensor bf16;
    try (Precision.Region r = Precision.BF16.enter()) {
      bf16 = Attention.multiHead(q.to(ScalarType.BFloat16), k.to(ScalarType.BFloat16), v.to(ScalarType.BFloat16),
          keyMask, HEADS, 0.1, false);
    }
    assertEquals(ScalarType.BFloat16.value, bf16.scalar_type().value, "bf16 products under autocast");
    double diff = bf16.to(ScalarType.Float).sub(fp32).abs().max().item_double();
    assertTrue(diff < 0.05, "bf16 within bf16 rounding of float32: " + diff);
  }

  @Test
  void dropoutOnTheProbabilitiesInTraining() {
    torch.manual_seed(1);
    Tensor a = Attention.multiHead(q, k, v, keyMask, HEADS, 0.5, true);
    Tensor eval = Attention.multiHead(q, k, v, keyMask, HEADS, 0.5, false);
    assertTrue(a.sub(eval).abs().max().item_double() > 1e-3, "training drops attention probabilities");
    torch.manual_seed(1);
    assertTrue(torch.equal(a, Attention.multiHead(q, k, v, keyMask, HEADS, 0.5, true)), "torch's seed decides the mask");
    assertEquals(0.0, eval.sub(Attention.multiHead(q, k, v, keyMask, HEADS, 0.5, false)).abs().max().item_double(),
        "evaluation is deterministic");
  }
}
