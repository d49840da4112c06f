package dev.tunekit.tensors;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds protobuf messages by hand (onnx.proto field numbers), to feed the ONNX reader exact bytes. */
public final class OnnxProto {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public OnnxProto varint(int field, long value) {
    tag(field, 0);
    raw(value);
    return this;
  }

  public OnnxProto bytes(int field, byte[] b) {
    tag(field, 2);
    raw(b.length);
    out.writeBytes(b);
    return this;
  }

  public OnnxProto string(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  public OnnxProto message(int field, OnnxProto m) {
    return bytes(field, m.toBytes());
  }

  /** Appends bytes as they are (to build malformed input). */
  public OnnxProto rawBytes(byte... b) {
    out.writeBytes(b);
    return this;
  }

  public byte[] toBytes() {
    return out.toByteArray();
  }

  public ByteBuffer buffer() {
    return ByteBuffer.wrap(toBytes());
  }

  /** TensorProto: dims (1), data_type FLOAT (2), name (8), raw_data little-endian (9). */
  public static OnnxProto floatTensor(String name, long[] dims, float... values) {
    OnnxProto t = new OnnxProto();
    for (long d : dims) {
      t.varint(1, d);
    }
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    return t.varint(2, 1).string(8, name).bytes(9, raw.array());
  }

  /** NodeProto: inputs (1), outputs (2), op_type (4). */
  public static OnnxProto node(String opType, String[] inputs, String... outputs) {
    OnnxProto n = new OnnxProto();
    for (String i : inputs) {
      n.string(1, i);
    }
    for (String o : outputs) {
      n.string(2, o);
    }
    return n.string(4, opType);
  }

  /** ModelProto with ir_version (1) and a graph (7) holding these nodes (1) and initializers (5). */
  public static OnnxProto model(OnnxProto[] nodes, OnnxProto... initializers) {
    OnnxProto graph = new OnnxProto().string(2, "g");
    for (OnnxProto n : nodes) {
      graph.message(1, n);
    }
    for (OnnxProto i : initializers) {
      graph.message(5, i);
    }
    return new OnnxProto().varint(1, 8).string(2, "test").message(7, graph);
  }

  private void tag(int field, int wire) {
    raw(((long) field << 3) | wire);
  }

  private void raw(long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
