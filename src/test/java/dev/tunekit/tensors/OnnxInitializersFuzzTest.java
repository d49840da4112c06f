package dev.tunekit.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protobuf reader of ONNX weights: every length and count comes from the file, so each
 * initializer it accepts must hold exactly dims' product of elements, in memory bounded by the input.
 */
class OnnxInitializersFuzzTest {
  static Stream<byte[]> seeds() {
    OnnxProto weight = OnnxProto.floatTensor("onnx::MatMul_1", new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
    OnnxProto bias = OnnxProto.floatTensor("encoder.dense.bias", new long[] {3}, 0.5f, -1, 2);
    OnnxProto longs = new OnnxProto().varint(1, 2).varint(2, 7).string(8, "ids")
        .bytes(7, new OnnxProto().rawBytes((byte) 1, (byte) 0x96, (byte) 1).toBytes());
    OnnxProto[] nodes = {OnnxProto.node("MatMul", new String[] {"x", "onnx::MatMul_1"}, "y"),
        OnnxProto.node("Add", new String[] {"encoder.dense.bias", "y"}, "z")};
    return Stream.of(OnnxProto.model(nodes, weight, bias).toBytes(), OnnxProto.model(new OnnxProto[0], longs).toBytes(),
        OnnxProto.model(new OnnxProto[0]).toBytes());
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void read(byte[] input) {
    Fuzz.parse(() -> {
      OnnxInitializers.Graph graph = OnnxInitializers.read(ByteBuffer.wrap(input), "fuzz.onnx");
      for (OnnxInitializers.Initializer init : graph.initializers().values()) {
        long numel = 1;
        for (long d : init.dims()) {
          numel *= d;
        }
        assertEquals(numel, init.numel(), init.name() + " holds dims' product of elements");
        // raw_data and float_data are slices of the input; int64_data's varints (1 byte at least) are
        // re-encoded as 8-byte longs, so what the reader allocates stays within 8x the input.
        assertTrue(init.data().remaining() <= 8L * input.length, init.name() + " is bounded by the input");
      }
    });
  }
}
