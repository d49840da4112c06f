package dev.tunekit.tensors;

import static dev.tunekit.tensors.OnnxProto.floatTensor;
import static dev.tunekit.tensors.OnnxProto.model;
import static dev.tunekit.tensors.OnnxProto.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.TunekitException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ONNX reader on hand-made protobuf bytes: what it reads, and every defect it refuses in one line. */
class OnnxInitializersTest {
  static final OnnxProto[] NO_NODES = {};

  static String rejects(OnnxProto model) {
    TunekitException e = assertThrows(TunekitException.class, () -> OnnxInitializers.read(model.buffer(), "m.onnx"));
    assertTrue(e.getMessage().startsWith("m.onnx: invalid ONNX file: "), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void readsInitializersAndNodes() {
    OnnxProto m = model(new OnnxProto[] {node("MatMul", new String[] {"x", "w"}, "y")},
        floatTensor("w", new long[] {2, 3}, 1, 2, 3, 4, 5, -6.5f));
    OnnxInitializers.Graph g = OnnxInitializers.read(m.buffer(), "m.onnx");
    OnnxInitializers.Initializer w = g.initializers().get("w");
    assertArrayEquals(new long[] {2, 3}, w.dims());
    assertEquals(OnnxInitializers.DataType.FLOAT, w.type());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, w.floats());
    assertEquals(List.of(new OnnxInitializers.Node("MatMul", List.of("x", "w"), List.of("y"))), g.nodes());
  }

  @Test
  void readsPackedFloatData() {
    ByteBuffer packed = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-1f);
    OnnxProto t = new OnnxProto().varint(1, 2).varint(2, 1).string(8, "b").bytes(4, packed.array());
    assertArrayEquals(new float[] {0.25f, -1f},
        OnnxInitializers.read(model(NO_NODES, t).buffer(), "m.onnx").initializers().get("b").floats());
  }

  @Test
  void refusesDataThatDisagreesWithDims() {
    assertTrue(rejects(model(NO_NODES, floatTensor("w", new long[] {3}, 1, 2))).contains("'w' has dims [3] of FLOAT "
        + "(12 bytes) but holds 8 bytes"));
  }

  @Test
  void refusesFieldsRunningPastTheirMessage() {
    // A graph whose length says 100 bytes, followed by only 3.
    OnnxProto m = new OnnxProto().varint(1, 8).rawBytes((byte) (7 << 3 | 2), (byte) 100, (byte) 1, (byte) 2, (byte) 3);
    assertTrue(rejects(m).contains("truncated: a field of 100 bytes runs past the end"));
  }

  @Test
  void refusesOverflowingDims() {
    OnnxProto t = new OnnxProto().varint(1, 1L << 40).varint(1, 1L << 40).varint(2, 1).string(8, "huge")
        .bytes(9, new byte[4]);
    assertTrue(rejects(model(NO_NODES, t)).contains("'huge' dims [1099511627776, 1099511627776] are too large"));
  }

  @Test
  void refusesExternalData() {
    OnnxProto t = new OnnxProto().varint(1, 1).varint(2, 1).string(8, "ext").varint(14, 1);
    assertTrue(rejects(model(NO_NODES, t)).contains("'ext' keeps its data in an external file"));
  }

  @Test
  void refusesUnknownDataTypes() {
    OnnxProto t = new OnnxProto().varint(1, 1).varint(2, 8).string(8, "s"); // STRING
    assertTrue(rejects(model(NO_NODES, t)).contains("'s' has data type 8"));
  }

  @Test
  void refusesDuplicateNames() {
    assertTrue(rejects(model(NO_NODES, floatTensor("w", new long[] {1}, 1), floatTensor("w", new long[] {1}, 2)))
        .contains("two initializers are named 'w'"));
  }

  @Test
  void refusesOverlongVarintsGroupsAndMissingGraphs() {
    byte[] eleven = {(byte) 0x08, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1};
    assertTrue(rejects(new OnnxProto().rawBytes(eleven)).contains("longer than 10 bytes"));
    assertTrue(rejects(new OnnxProto().rawBytes((byte) (3 << 3 | 3))).contains("unknown protobuf wire type 3"));
    assertTrue(rejects(new OnnxProto().varint(1, 8)).contains("the model has no graph"));
  }
}
