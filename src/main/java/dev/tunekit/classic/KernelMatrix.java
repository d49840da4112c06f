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
      Tensor gram = torch.mm(xs, xs.t()).contiguous();
      new FloatPointer(gram.data_ptr()).get(out);
    }
    return new KernelMatrix(out, n);
  }

  float[] data() {
    return k;
  }

  int size() {
    return n;
  }
}
