package dev.tunekit.model;

import dev.tunekit.tensors.Tensors;
import java.util.Arrays;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The query, key and value projections of self-attention (DistilBERT's q_lin/k_lin/v_lin,
 * BERT's query/key/value).
 *
 * <p>When the three are frozen plain layers and no gradient is wanted (features, prediction),
 * they run as one matrix product over their stacked weights: the input is read, and under bf16
 * cast, once instead of three times, and one wide product keeps the cores busier than three narrow
 * ones on short batches. Otherwise (training, adapters) each layer runs on its own.
 */
final class QueryKeyValue {
  final Linear query;
  final Linear key;
  final Linear value;
  private final Stacked all;
  private final Stacked keyValue;

  QueryKeyValue(Linear query, Linear key, Linear value) {
    this.query = query;
    this.key = key;
    this.value = value;
    all = new Stacked(query, key, value);
    keyValue = new Stacked(key, value);
  }

  /** q of {@code queries}, k and v of {@code x}; {@code queries} is {@code x} or its first positions. */
  Tensor[] forward(Tensor queries, Tensor x) {
    if (queries == x && all.usable()) {
      return all.forward(x);
    }
    if (keyValue.usable()) {
      Tensor[] kv = keyValue.forward(x);
      return new Tensor[] {query.forward(queries), kv[0], kv[1]};
    }
    return new Tensor[] {query.forward(queries), key.forward(x), value.forward(x)};
  }

  /** Layers over the same input as one product; the stacked weights are built once per precision. */
  private static final class Stacked {
    private final Linear[] parts;
    private final long[] widths;
    private Tensor weight;
    private Tensor bias;
    private long builtFrom = -1; // the parts' weight versions when the stack was built

    Stacked(Linear... parts) {
      this.parts = parts;
      this.widths = Arrays.stream(parts).mapToLong(p -> p.out).toArray();
    }

    boolean usable() {
      return !GradMode.is_enabled() && Arrays.stream(parts).allMatch(Linear::stackable);
    }

    Tensor[] forward(Tensor x) {
      ScalarType type = torch.is_autocast_enabled(DeviceType.CPU) ? ScalarType.BFloat16 : ScalarType.Float;
      long version = Arrays.stream(parts).mapToLong(Linear::weightVersion).sum();
      Tensor w;
      Tensor b;
      synchronized (this) { // inference streams share the stack
        if (weight == null || weight.scalar_type().value != type.value || builtFrom != version) {
          build(type);
          builtFrom = version;
        }
        w = weight;
        b = bias;
      }
      long[] shape = x.sizes().vec().get();
      shape[shape.length - 1] = w.size(0);
      Tensor y = torch.linear(x.reshape(-1, x.size(-1)), w, new TensorOptional(b)).view(shape);
      TensorVector pieces = y.split_with_sizes(widths, -1);
      Tensor[] out = new Tensor[parts.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = pieces.get(i);
      }
      return out;
    }

    private void build(ScalarType type) {
      if (weight != null) {
        weight.releaseReference();
        bias.releaseReference();
      }
      TensorVector weights = new TensorVector();
      TensorVector biases = new TensorVector();
      for (Linear p : parts) {
        weights.push_back(p.weight);
        biases.push_back(p.bias);
      }
      weight = Tensors.kept(() -> torch.cat(weights, 0).to(type));
      bias = Tensors.kept(() -> torch.cat(biases, 0).to(type));
    }
  }
}
