package dev.tunekit.hub;

import static dev.tunekit.tensors.OnnxProto.floatTensor;
import static dev.tunekit.tensors.OnnxProto.model;
import static dev.tunekit.tensors.OnnxProto.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.TunekitException;
import dev.tunekit.tensors.OnnxInitializers;
import dev.tunekit.tensors.OnnxProto;
import dev.tunekit.tensors.Tensors;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

/** ONNX export names to HF names, on a graph shaped like the exporter's: MatMul(x, W) then Add(bias, .). */
class OnnxBertWeightsTest {
  static OnnxInitializers.Graph graph(OnnxProto m) {
    return OnnxInitializers.read(m.buffer(), "m.onnx");
  }

  @Test
  void linearWeightTakesItsBiasNameAndHfLayout() {
    OnnxProto positionIds = new OnnxProto().varint(1, 1).varint(1, 2).varint(2, 7).string(8, "embeddings.position_ids")
        .bytes(9, new byte[16]);
    OnnxProto m = model(new OnnxProto[] {
        node("MatMul", new String[] {"x", "onnx::MatMul_7"}, "mm"),
        node("Add", new String[] {"layer.dense.bias", "mm"}, "y")},
        floatTensor("onnx::MatMul_7", new long[] {2, 3}, 0, 1, 2, 3, 4, 5), // [in 2, out 3]
        floatTensor("layer.dense.bias", new long[] {3}, 7, 8, 9),
        floatTensor("layer.LayerNorm.weight", new long[] {2}, 1, 1),
        positionIds);
    Map<String, Tensor> w = OnnxBertWeights.convert(graph(m), "m.onnx");
    assertEquals(List.of("layer.LayerNorm.weight", "layer.dense.bias", "layer.dense.weight"), List.copyOf(w.keySet()));
    Tensor weight = w.get("layer.dense.weight");
    assertArrayEquals(new long[] {3, 2}, weight.shape(), "[out, in] as nn.Linear stores it");
    assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, Tensors.toFloats(weight));
    assertArrayEquals(new float[] {7, 8, 9}, Tensors.toFloats(w.get("layer.dense.bias")));
  }

  @Test
  void unnamedWeightWithoutNamedBiasIsRefused() {
    OnnxProto m = model(new OnnxProto[] {node("MatMul", new String[] {"x", "onnx::MatMul_7"}, "y")},
        floatTensor("onnx::MatMul_7", new long[] {2, 3}, 0, 1, 2, 3, 4, 5));
    TunekitException e = assertThrows(TunekitException.class, () -> OnnxBertWeights.convert(graph(m), "m.onnx"));
    assertTrue(e.getMessage().contains("unnamed initializer 'onnx::MatMul_7' is not a MatMul weight followed by an "
        + "Add of a named bias"), e.getMessage());
  }
}
