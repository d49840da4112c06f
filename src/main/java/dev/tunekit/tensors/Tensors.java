package dev.tunekit.tensors;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Copies between libtorch tensors and Java arrays. */
public final class Tensors {
  private Tensors() {}

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
