package dev.tunekit.model;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Inverted dropout as {@code torch.dropout}: in training, each element is zeroed with probability
 * p and the others scaled by 1/(1-p); the gradient flows through the same mask.
 *
 * <p>The mask is computed in Java: libtorch's CPU bernoulli draws one element at a time (about
 * 4 ms for a batch's 430 x 768 activation here), which made dropout a large share of a training
 * step, LoRA's most (it adds a dropout on the input of every adapted layer). Each element's draw
 * is a counter-based hash of its index and a 64-bit key, as GPU dropout (Philox) works: loops
 * without state between elements, which the JIT turns into vector code (0.2 ns an element). The
 * key is one draw of torch's generator per call, so {@code torch.manual_seed}, reruns and the RNG
 * state in checkpoints govern the masks exactly as they govern torch.dropout.
 */
public final class Dropout {
  private static final int CHUNK = 1 << 14;
  /** Uniform 24-bit draws: keep probability resolution 6e-8. */
  private static final int BITS = 24;
  /** 0, 1, 2, ...: the loops read element indices from an array, a form the JIT vectorises. */
  private static final int[] INDEX = new int[CHUNK];

  static {
    for (int i = 0; i < CHUNK; i++) {
      INDEX[i] = i;
    }
  }

  private Dropout() {}

  public static Tensor apply(Tensor x, double p, boolean training) {
    if (!training || p == 0) {
      return x;
    }
    if (p >= 1) {
      return x.mul(torch.zeros_like(x));
    }
    long key = torch.empty(1).to(ScalarType.Long).random_().item_long();
    int keyLow = (int) key;
    int keyHigh = (int) (key >>> 32);
    int threshold = (int) Math.round(p * (1 << BITS));
    float scale = (float) (1.0 / (1.0 - p));
    int n = Math.toIntExact(x.numel());
    boolean bf16 = x.scalar_type().value == ScalarType.BFloat16.value;
    Tensor mask = torch.empty(x.sizes().vec().get(), new TensorOptions(bf16 ? ScalarType.BFloat16 : ScalarType.Float),
        new org.bytedeco.pytorch.MemoryFormatOptional());
    int[] chunk = new int[CHUNK];
    IntPointer out = new IntPointer(mask.data_ptr());
    if (bf16) {
      // Two bfloat16 values to an int (little-endian: the even element in the low half).
      int bits = bfloat16(scale) & 0xFFFF;
      int pairs = n / 2;
      for (int start = 0; start < pairs; start += CHUNK) {
        int len = Math.min(CHUNK, pairs - start);
        bfloat16Chunk(chunk, len, start, keyLow, keyHigh, threshold, bits);
        out.position(start).put(chunk, 0, len);
      }
      if (n % 2 == 1) {
        new ShortPointer(mask.data_ptr()).put(n - 1, (short) (bits & -kept(n - 1, keyLow, keyHigh, threshold)));
      }
    } else {
      // Float32 mask values (kept: 1/(1-p), dropped: 0) written as raw bits.
      int bits = Float.floatToRawIntBits(scale);
      for (int start = 0; start < n; start += CHUNK) {
        int len = Math.min(CHUNK, n - start);
        float32Chunk(chunk, len, start, keyLow, keyHigh, threshold, bits);
        out.position(start).put(chunk, 0, len);
      }
    }
    return x.mul(bf16 || x.scalar_type().value == ScalarType.Float.value ? mask : mask.to(x.scalar_type()));
  }

  // Element i is kept when the top 24 bits of hash(i, key) reach the threshold. Plain static loops
  // over locals: the form the JIT vectorises.

  private static void float32Chunk(int[] chunk, int len, int start, int lo, int hi, int threshold, int keptBits) {
    for (int j = 0; j < len; j++) {
      chunk[j] = keptBits & -kept(INDEX[j] + start, lo, hi, threshold);
    }
  }

  private static void bfloat16Chunk(int[] chunk, int len, int start, int lo, int hi, int threshold, int bits) {
    for (int j = 0; j < len; j++) {
      int even = 2 * (INDEX[j] + start);
      chunk[j] = (bits & -kept(even, lo, hi, threshold)) | ((bits & -kept(even + 1, lo, hi, threshold)) << 16);
    }
  }

  /** 1 if element {@code i} is kept, else 0: murmur3's finaliser, twice, over the index and the key. */
  private static int kept(int i, int keyLow, int keyHigh, int threshold) {
    int h = i * 0x9E3779B9 + keyLow;
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    h ^= keyHigh;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return (threshold - 1 - (h >>> (32 - BITS))) >>> 31;
  }

  /** The bfloat16 bits of {@code f}, rounded to nearest even as torch rounds. */
  static short bfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }
}
