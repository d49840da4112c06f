package dev.tunekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.tensors.Engine;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

/** Inverted dropout's contract, as torch.dropout documents it. */
class DropoutTest {
  @Test
  void zeroesAboutPAndScalesTheRestByOneOverOneMinusP() {
    Engine.start();
    torch.manual_seed(3);
    Tensor x = torch.rand(400, 500).add(new Scalar(0.5)); // no zeros of its own
    Tensor y = Dropout.apply(x, 0.1, true);
    Tensor dropped = y.eq(new Scalar(0));
    double share = dropped.to(ScalarType.Double).mean().item_double();
    assertEquals(0.1, share, 0.003, "share dropped");
    Tensor kept = dropped.logical_not();
    Tensor expected = x.div(new Scalar(0.9));
    assertTrue(torch.allclose(y.masked_select(kept), expected.masked_select(kept), 1e-6, 1e-7, false), "kept values scaled by 1/(1-p)");
    assertSame(x, Dropout.apply(x, 0.1, false), "evaluation: the input itself");
  }

  @Test
  void torchsSeedDecidesTheMask() {
    Engine.start();
    Tensor x = torch.ones(300, 300);
    torch.manual_seed(11);
    Tensor a = Dropout.apply(x, 0.5, true);
    torch.manual_seed(11);
    Tensor b = Dropout.apply(x, 0.5, true);
    Tensor c = Dropout.apply(x, 0.5, true);
    assertTrue(torch.equal(a, b), "same seed, same mask");
    assertFalse(torch.equal(b, c), "the next call, another mask");
  }

  @Test
  void gradientFlowsThroughTheSameMaskAndBf16StaysBf16() {
    Engine.start();
    torch.manual_seed(5);
    Tensor x = torch.rand(64, 70).add(new Scalar(1)).requires_grad_(true);
    Tensor y = Dropout.apply(x, 0.2, true);
    y.sum().backward();
    assertTrue(torch.allclose(x.grad(), y.detach().div(x.detach()), 1e-6, 1e-6, false), "d(sum y)/dx = mask");
    Tensor h = torch.ones(64, 70).to(ScalarType.BFloat16);
    Tensor hb = Dropout.apply(h, 0.1, true);
    assertEquals(ScalarType.BFloat16.value, hb.scalar_type().value);
    double max = hb.to(ScalarType.Float).max().item_double();
    assertEquals(1.109375, max, 0.0, "1/0.9 rounded to bfloat16");
  }

  @Test
  void neighboursAndOddBf16LengthsAreDrawnIndependently() {
    Engine.start();
    torch.manual_seed(9);
    long n = 1001L * 301; // odd: the last bf16 element is written on its own
    Tensor y = Dropout.apply(torch.ones(1001, 301).to(ScalarType.BFloat16), 0.1, true).reshape(n).to(ScalarType.Float);
    Tensor dropped = y.eq(new Scalar(0)).to(ScalarType.Double);
    assertEquals(0.1, dropped.mean().item_double(), 0.002, "share dropped");
    Tensor both = dropped.narrow(0, 0, n - 1).mul(dropped.narrow(0, 1, n - 1));
    assertEquals(0.01, both.mean().item_double(), 0.001, "neighbours dropped together as often as chance says");
    int keptLast = 0;
    for (int call = 0; call < 40; call++) {
      float last = Dropout.apply(torch.ones(3, 3).to(ScalarType.BFloat16), 0.5, true).reshape(9).to(ScalarType.Float)
          .select(0, 8).item_float();
      assertTrue(last == 0f || last == 2f, "the odd last element is a mask value: " + last);
      keptLast += last == 2f ? 1 : 0;
    }
    assertTrue(keptLast > 5 && keptLast < 35, "the odd last element is drawn too: kept " + keptLast + " of 40");
  }
}
