package dev.tunekit.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.tensors.Precision;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class QueryKeyValueTest {
  private static final int DIM = 32;

  private static Linear[] layers(boolean frozen) {
    ModelConfig config = AutoModel.config(Fixtures.fixture("tiny-distilbert").resolve("model"));
    torch.manual_seed(11);
    Weights w = Weights.fresh(config);
    Linear[] l = {w.linear("q", DIM, DIM), w.linear("k", DIM, DIM), w.linear("v", DIM, DIM)};
    try (NoGradGuard g = new NoGradGuard()) {
      for (Linear layer : l) {
        layer.bias.normal_(0, 1, null); // HF starts biases at zero: make them count
        layer.frozen(frozen);
      }
    }
    return l;
  }

  /** Each layer on its own, as the model computes it when nothing is stacked. */
  private static Tensor[] separate(Linear[] l, Tensor queries, Tensor x) {
    return new Tensor[] {l[0].forward(queries), l[1].forward(x), l[2].forward(x)};
  }

  private static void assertClose(Tensor[] expected, Tensor[] actual, double tolerance, String what) {
    for (int i = 0; i < 3; i++) {
      assertTrue(torch.allclose(actual[i].to(torch.ScalarType.Float), expected[i].to(torch.ScalarType.Float), 0, tolerance, false),
          what + ": projection " + "qkv".charAt(i));
    }
  }

  @Test
  void stackedProjectionsEqualTheLayersOnTheirOwn() {
    Linear[] l = layers(true);
    QueryKeyValue qkv = new QueryKeyValue(l[0], l[1], l[2]);
    Tensor x = torch.randn(3, 5, DIM);
    Tensor first = x.narrow(1, 0, 1);
    for (Precision p : Precision.values()) {
      for (int round = 0; round < 2; round++) { // the second round reuses the stacked weights
        try (PointerScope s = new PointerScope(); InferenceMode im = new InferenceMode(); Precision.Region r = p.enter()) {
          Tensor[] all = qkv.forward(x, x);
          assertFalse(all[0].is_contiguous(), "q, k and v are views of one product");
          // bf16: the same products in bf16, up to the order of the float32 accumulation
          assertClose(separate(l, x, x), all, p == Precision.FP32 ? 1e-5 : 2e-2, p + " q, k, v of x");
          assertClose(separate(l, first, x), qkv.forward(first, x), p == Precision.FP32 ? 1e-5 : 2e-2,
              p + " q of the first token, k and v of x");
        }
      }
    }
  }

  @Test
  void trainingAndChangedWeightsAreNeverServedFromTheStack() {
    Linear[] l = layers(true);
    QueryKeyValue qkv = new QueryKeyValue(l[0], l[1], l[2]);
    Tensor x = torch.randn(2, 4, DIM);
    try (InferenceMode im = new InferenceMode()) {
      qkv.forward(x, x); // stacks
    }
    try (NoGradGuard g = new NoGradGuard()) {
      l[1].weight.mul_(new Scalar(2.0));
    }
    l[1].frozen(true); // what a caller that changed W says
    try (InferenceMode im = new InferenceMode()) {
      assertClose(separate(l, x, x), qkv.forward(x, x), 1e-5, "after W changed");
    }

    for (Linear layer : l) {
      layer.weight.set_requires_grad(true);
    }
    Tensor[] trained = qkv.forward(x, x);
    trained[0].sum().add(trained[1].sum()).add(trained[2].sum()).backward();
    for (Linear layer : l) {
      assertTrue(layer.weight.grad().defined(), "autograd reaches each W when gradients are on");
    }
  }
}
