package dev.tunekit.hub;

import dev.tunekit.TunekitException;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.OnnxInitializers;
import dev.tunekit.tensors.OnnxInitializers.Initializer;
import dev.tunekit.tensors.OnnxInitializers.Node;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Gives the weights of a PyTorch ONNX export of a BERT encoder their HuggingFace state-dict names
 * and layouts.
 *
 * <p>The exporter keeps the names of embeddings, LayerNorm weights and biases, but stores every
 * Linear weight as an anonymous initializer ({@code onnx::MatMul_NNN}), transposed to
 * {@code [in, out]}, consumed by a MatMul whose output feeds an Add with the named bias. So the
 * weight is named after its bias ({@code ...dense.bias} → {@code ...dense.weight}) and transposed
 * back to HF's {@code [out, in]}. {@code embeddings.position_ids} (a buffer, not a weight) is
 * dropped. Anything else unnamed is an error: guessing would load a wrong model silently.
 */
final class OnnxBertWeights {
  private static final String DROPPED = "embeddings.position_ids";

  private OnnxBertWeights() {}

  /** HF name to float32 tensor, sorted by name. */
  static Map<String, Tensor> convert(OnnxInitializers.Graph graph, String where) {
    Engine.start();
    Map<String, List<Node>> consumers = new HashMap<>();
    for (Node n : graph.nodes()) {
      for (String input : n.inputs()) {
        consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(n);
      }
    }
    Map<String, Tensor> out = new TreeMap<>();
    for (Initializer init : graph.initializers().values()) {
      if (init.name().equals(DROPPED)) {
        continue;
      }
      if (init.type() != OnnxInitializers.DataType.FLOAT) {
        throw invalid(where, "initializer '" + init.name() + "' is " + init.type() + ", not a float32 weight");
      }
      boolean anonymous = init.name().startsWith("onnx::") || init.name().startsWith("/");
      String name = anonymous ? linearWeightName(init, graph, consumers, where) : init.name();
      Tensor t = floatTensor(init);
      if (anonymous) {
        Tensor transposed = t.t().contiguous();
        t.close();
        t = transposed;
      }
      if (out.put(name, t) != null) {
        throw invalid(where, "two initializers map to '" + name + "'");
      }
    }
    return out;
  }

  /**
   * The initializer as a float32 tensor: its little-endian bytes copied straight into the tensor
   * (one copy; through a float[] it took 0.56 s of the embedded model's first preparation).
   */
  private static Tensor floatTensor(Initializer init) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      return Tensor.create(init.floats(), init.dims());
    }
    Tensor t = torch.zeros(init.dims(), new TensorOptions(ScalarType.Float));
    long n = init.data().remaining();
    if (n > 0) {
      new BytePointer(t.data_ptr()).capacity(n).limit(n).asByteBuffer().put(init.data().duplicate());
    }
    return t;
  }

  /** The HF name of a Linear weight: MatMul(x, W) → Add(bias, .) with bias named "...bias". */
  private static String linearWeightName(Initializer w, OnnxInitializers.Graph graph, Map<String, List<Node>> consumers,
      String where) {
    if (w.dims().length != 2) {
      throw invalid(where, "unnamed initializer '" + w.name() + "' has dims " + Arrays.toString(w.dims())
          + "; only Linear weights (2-d, consumed by a MatMul) can be named");
    }
    for (Node matmul : consumers.getOrDefault(w.name(), List.of())) {
      if (!matmul.opType().equals("MatMul") || matmul.inputs().size() != 2 || !matmul.inputs().get(1).equals(w.name())
          || matmul.outputs().size() != 1) {
        continue;
      }
      for (Node add : consumers.getOrDefault(matmul.outputs().get(0), List.of())) {
        if (!add.opType().equals("Add")) {
          continue;
        }
        for (String input : add.inputs()) {
          Initializer bias = graph.initializers().get(input);
          if (bias != null && input.endsWith(".bias") && bias.dims().length == 1 && bias.dims()[0] == w.dims()[1]) {
            return input.substring(0, input.length() - ".bias".length()) + ".weight";
          }
        }
      }
    }
    throw invalid(where, "unnamed initializer '" + w.name() + "' is not a MatMul weight followed by an Add of a "
        + "named bias, so its HuggingFace name is unknown");
  }

  private static TunekitException invalid(String where, String what) {
    return new TunekitException(where + ": not a BERT export tunekit can map to HuggingFace names: " + what);
  }
}
