package dev.tunekit.bench;

import dev.tunekit.tensors.Precision;
import java.util.Arrays;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The machine's matrix-multiply ceiling at a precision, measured in the same run as the model:
 * a [2048 x 768] x [768 x 3072] product (the FFN's shape at batch 16 x 128 tokens), median of 15.
 */
public final class MatmulCeiling {
  private MatmulCeiling() {}

  public static double gflops(Precision precision) {
    try (InferenceMode g = new InferenceMode(); PointerScope scope = new PointerScope()) {
      ScalarType type = precision == Precision.BF16 ? ScalarType.BFloat16 : ScalarType.Float;
      Tensor a = torch.randn(2048, 768).to(type);
      Tensor w = torch.randn(3072, 768).to(type);
      double[] ms = new double[15];
      for (int i = -3; i < ms.length; i++) {
        long start = System.nanoTime();
        try (PointerScope step = new PointerScope()) {
          torch.linear(a, w).sum().item_float();
        }
        if (i >= 0) {
          ms[i] = (System.nanoTime() - start) / 1e6;
        }
      }
      Arrays.sort(ms);
      return 2.0 * 2048 * 768 * 3072 / (ms[ms.length / 2] / 1e3) / 1e9;
    }
  }
}
