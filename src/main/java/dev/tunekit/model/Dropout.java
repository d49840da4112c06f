package dev.tunekit.model;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.TensorOptions;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Inverted dropout as {@code torch.dropout}: in training, each element is zeroed with probability
 * p and the others scaled by 1/(1-p); the gradient flows through the same mask.
 *
 * <p>The mask is drawn in Java: libtorch's CPU bernoulli draws one element at a time (3.7 ms for
 * a 768 x 768 activation here, ten times a GELU), which made dropout a large share of a training
 * step, LoRA's most (it adds a dropout on the input of every adapted layer). The stream is
 * seeded from torch's generator, one draw per call, so {@code torch.manual_seed}, reruns and the
 * RNG state in checkpoints govern it exactly as they govern torch.dropout; chunks have their own
 * streams, so the mask does not depend on how threads share the work.
 */
public final class Dropout {
  private static final int CHUNK = 1 << 16;
  /** Uniform 24-bit draws: keep probability resolution 6e-8. */
  private static final int BITS = 24;

  private Dropout() {}

  public static Tensor apply(Tensor x, double p, boolean training) {
    if (!training || p == 0) {
      return x;
    }
    if (p >= 1) {
      return x.mul(torch.zeros_like(x));
    }
    long seed = torch.empty(1).to(ScalarType.Long).random_().item_long();
    int n = Math.toIntExact(x.numel());
    int threshold = (int) Math.round(p * (1 << BITS));
    float scale = (float) (1.0 / (1.0 - p));
    long[] shape = new long[(int) x.dim()];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = x.size(d);
    }
    boolean bf16 = x.scalar_type().value == ScalarType.BFloat16.value;
    Tensor mask = torch.zeros(shape, new TensorOptions(bf16 ? ScalarType.BFloat16 : ScalarType.Float));
    if (bf16) {
      short[] m = new short[n];
      short kept = bfloat16(scale);
      IntStream.range(0, chunks(n)).parallel().forEach(c -> {
        SplittableRandom random = stream(seed, c);
        for (int i = c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
          m[i] = random.nextInt() >>> (32 - BITS) >= threshold ? kept : 0;
        }
      });
      new ShortPointer(mask.data_ptr()).put(m);
    } else {
      float[] m = new float[n];
      IntStream.range(0, chunks(n)).parallel().forEach(c -> {
        SplittableRandom random = stream(seed, c);
        for (int i = c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
          m[i] = random.nextInt() >>> (32 - BITS) >= threshold ? scale : 0f;
        }
      });
      new FloatPointer(mask.data_ptr()).put(m);
    }
    return x.mul(bf16 || x.scalar_type().value == ScalarType.Float.value ? mask : mask.to(x.scalar_type()));
  }

  private static int chunks(int n) {
    return (n + CHUNK - 1) / CHUNK;
  }

  /** Chunk c's own stream: masks do not depend on which thread drew which chunk. */
  private static SplittableRandom stream(long seed, int c) {
    return new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (c + 1));
  }

  /** The bfloat16 bits of {@code f}, rounded to nearest even as torch rounds. */
  static short bfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }
}
