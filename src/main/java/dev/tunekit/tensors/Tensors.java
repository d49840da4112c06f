package dev.tunekit.tensors;

import java.util.function.Supplier;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Copies between libtorch tensors and Java arrays, and the lifetime of temporaries. */
public final class Tensors {
  private Tensors() {}

  /**
   * A tensor made to be kept across batches (a weight's bf16 copy): made outside inference mode
   * (autograd may save it for an input gradient later) without a gradient, and with one more
   * reference, so that no {@link PointerScope} frees it; {@link Tensor#releaseReference()} drops it.
   */
  public static Tensor kept(Supplier<Tensor> make) {
    Tensor t;
    try (InferenceMode normal = new InferenceMode(false); NoGradGuard noGrad = new NoGradGuard()) {
      t = make.get();
    }
    t.retainReference();
    return t;
  }

  /**
   * Runs {@code step} so that the tensors it makes and drops are freed when it returns, not when
   * the caller's {@link PointerScope} closes; its result moves to the caller's scope. A
   * PointerScope keeps every handle made inside it, so without this a forward pass under one scope
   * would hold all of its layers' intermediates at once (for a batch of 64 x 72 tokens through
   * MiniLM, 680 MB; DistilBERT-base, several times that), where PyTorch frees each as soon as
   * nothing refers to it. Autograd keeps what backward needs on its own. Without an enclosing
   * scope it just runs {@code step} (its tensors are then the garbage collector's).
   */
  public static Tensor freeingTemporaries(Supplier<Tensor> step) {
    PointerScope outer = PointerScope.getInnerScope();
    if (outer == null) {
      return step.get();
    }
    try (PointerScope inner = new PointerScope()) {
      Tensor result = step.get();
      outer.attach(result); // one more reference, held by the caller's scope
      return result;
    }
  }

  /** A [rows, cols] int64 tensor from a rectangular Java array. */
  public static Tensor longs(long[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    long[] flat = new long[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    return Tensor.create(flat, rows.length, cols);
  }

  /** The elements of {@code t} as float32, in row-major order. */
  public static float[] toFloats(Tensor t) {
    Tensor c = t.detach().to(ScalarType.Float).contiguous();
    float[] out = new float[(int) c.numel()];
    new FloatPointer(c.data_ptr()).get(out);
    return out;
  }

  /** The elements of {@code t} as int64, in row-major order. */
  public static long[] toLongs(Tensor t) {
    Tensor c = t.detach().to(ScalarType.Long).contiguous();
    long[] out = new long[(int) c.numel()];
    new LongPointer(c.data_ptr()).get(out);
    return out;
  }

  /** A [rows, cols] tensor as a float32 Java matrix. */
  public static float[][] toMatrix(Tensor t) {
    long rows = t.size(0);
    long cols = t.size(1);
    float[] flat = toFloats(t);
    float[][] out = new float[(int) rows][(int) cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, (int) (i * cols), out[i], 0, (int) cols);
    }
    return out;
  }
}
