package dev.tunekit.classic;

import dev.tunekit.tensors.Engine;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The linear kernel K = X X^T of the training rows, computed once by one matrix product (BLAS)
 * instead of libsvm's dot product per pair; rows are read from a flat float array.
 */
final class KernelMatrix {
  /** Above this many rows the l x l matrix would not fit comfortably in memory. */
  static final int MAX_ROWS = 30_000;
  /** Rows per matrix product. */
  private static final int BLOCK = 512;
  /** Side of the square tiles that the mirror copies. */
  private static final int TILE = 64;

  private final float[] k;
  private final int n;

  private KernelMatrix(float[] k, int n) {
    this.k = k;
    this.n = n;
  }

  static KernelMatrix of(float[][] x) {
    int n = x.length;
    if (n > MAX_ROWS) {
      throw new dev.tunekit.TunekitException(n + " training rows are more than the linear SVM's kernel matrix takes ("
          + MAX_ROWS + "); use --classifier logreg, or --max-train-samples");
    }
    Engine.start();
    int d = x[0].length;
    float[] flat = new float[n * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x[i], 0, flat, i * d, d);
    }
    float[] out = new float[n * n];
    try (InferenceMode g = new InferenceMode()) {
      Tensor xs = Tensor.create(flat, n, d);
      // K is symmetric: compute the lower block triangle (about half the products), mirror the rest.
      for (int start = 0; start < n; start += BLOCK) {
        int end = Math.min(n, start + BLOCK);
        Tensor rows = torch.mm(xs.narrow(0, start, end - start), xs.narrow(0, 0, end).t()).contiguous();
        FloatPointer p = new FloatPointer(rows.data_ptr());
        for (int a = start; a < end; a++) {
          p.position((long) (a - start) * end).get(out, a * n, end);
        }
      }
    }
    mirrorLowerToUpper(out, n);
    return new KernelMatrix(out, n);
  }

  /** Fills K[a][b] for b beyond a's row block from K[b][a], tile by tile to stay in cache. */
  private static void mirrorLowerToUpper(float[] k, int n) {
    for (int a0 = 0; a0 < n; a0 += TILE) {
      int blockEnd = Math.min(n, (a0 / BLOCK + 1) * BLOCK);
      for (int b0 = blockEnd; b0 < n; b0 += TILE) {
        int a1 = Math.min(n, a0 + TILE);
        int b1 = Math.min(n, b0 + TILE);
        for (int a = a0; a < a1; a++) {
          for (int b = b0; b < b1; b++) {
            k[a * n + b] = k[b * n + a];
          }
        }
      }
    }
  }

  float[] data() {
    return k;
  }

  int size() {
    return n;
  }
}
