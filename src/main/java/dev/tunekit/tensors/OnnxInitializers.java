package dev.tunekit.tensors;

import dev.tunekit.TunekitException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the weights of an ONNX model: ModelProto → GraphProto → TensorProto initializers (name,
 * dims, data type, raw_data or float_data), plus each node's op type, inputs and outputs, which is
 * what it takes to give anonymous initializers their meaning.
 *
 * <p>A small protobuf reader of only the fields needed; every other field is skipped by its wire
 * type. The file is untrusted input, so every varint, length and element count is checked against
 * the buffer before it is used, and an initializer's data must hold exactly dims' product of
 * elements. Tensors stored outside the file (external data) are refused.
 */
public final class OnnxInitializers {
  /** TensorProto.DataType codes with their sizes; only what encoders store as weights. */
  public enum DataType {
    FLOAT(1, 4),
    INT32(6, 4),
    INT64(7, 8),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    BFLOAT16(16, 2);

    final int code;
    final int size;

    DataType(int code, int size) {
      this.code = code;
      this.size = size;
    }

    static DataType of(long code) {
      for (DataType t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return null;
    }
  }

  /** One initializer: its data is little-endian, exactly {@code numel * size} bytes. */
  public record Initializer(String name, DataType type, long[] dims, ByteBuffer data) {
    public long numel() {
      return data.remaining() / type.size;
    }

    /** The elements of a FLOAT initializer, row-major. */
    public float[] floats() {
      if (type != DataType.FLOAT) {
        throw new IllegalStateException(name + " is " + type + ", not FLOAT");
      }
      float[] out = new float[data.remaining() / 4];
      data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }
  }

  /** One graph node: op type, input and output value names. */
  public record Node(String opType, List<String> inputs, List<String> outputs) {}

  /** The initializers by name (file order) and the nodes (graph order). */
  public record Graph(Map<String, Initializer> initializers, List<Node> nodes) {}

  // Field numbers from onnx.proto3.
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_OP_TYPE = 4;
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  private static final int TENSOR_FLOAT_DATA = 4;
  private static final int TENSOR_INT64_DATA = 7;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  private static final int TENSOR_EXTERNAL_DATA = 13;
  private static final int TENSOR_DATA_LOCATION = 14;

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private OnnxInitializers() {}

  /** Parses a whole {@code .onnx} file held in {@code model}; {@code where} names it in errors. */
  public static Graph read(ByteBuffer model, String where) {
    Reader r = new Reader(model.duplicate().order(ByteOrder.LITTLE_ENDIAN), where);
    ByteBuffer graph = null;
    while (r.hasMore()) {
      long tag = r.varint();
      if (field(tag) == MODEL_GRAPH && wire(tag) == LENGTH_DELIMITED) {
        graph = r.bytes();
      } else {
        r.skip(tag);
      }
    }
    if (graph == null) {
      throw r.invalid("the model has no graph");
    }
    return readGraph(new Reader(graph, where));
  }

  private static Graph readGraph(Reader r) {
    Map<String, Initializer> initializers = new LinkedHashMap<>();
    List<Node> nodes = new ArrayList<>();
    while (r.hasMore()) {
      long tag = r.varint();
      if (field(tag) == GRAPH_INITIALIZER && wire(tag) == LENGTH_DELIMITED) {
        Initializer t = readTensor(r.sub(r.bytes()));
        if (initializers.put(t.name(), t) != null) {
          throw r.invalid("two initializers are named '" + t.name() + "'");
        }
      } else if (field(tag) == GRAPH_NODE && wire(tag) == LENGTH_DELIMITED) {
        nodes.add(readNode(r.sub(r.bytes())));
      } else {
        r.skip(tag);
      }
    }
    return new Graph(Collections.unmodifiableMap(initializers), Collections.unmodifiableList(nodes));
  }

  private static Node readNode(Reader r) {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    String opType = "";
    while (r.hasMore()) {
      long tag = r.varint();
      int f = field(tag);
      if (wire(tag) == LENGTH_DELIMITED && (f == NODE_INPUT || f == NODE_OUTPUT || f == NODE_OP_TYPE)) {
        String s = r.string();
        if (f == NODE_INPUT) {
          inputs.add(s);
        } else if (f == NODE_OUTPUT) {
          outputs.add(s);
        } else {
          opType = s;
        }
      } else {
        r.skip(tag);
      }
    }
    return new Node(opType, List.copyOf(inputs), List.copyOf(outputs));
  }

  private static Initializer readTensor(Reader r) {
    List<Long> dims = new ArrayList<>();
    long typeCode = 0;
    String name = null;
    ByteBuffer raw = null;
    ByteBuffer packedFloats = null;
    ByteBuffer packedLongs = null;
    while (r.hasMore()) {
      long tag = r.varint();
      int f = field(tag);
      int w = wire(tag);
      if (f == TENSOR_DIMS && w == VARINT) {
        dims.add(r.varint());
      } else if (f == TENSOR_DIMS && w == LENGTH_DELIMITED) {
        Reader packed = r.sub(r.bytes());
        while (packed.hasMore()) {
          dims.add(packed.varint());
        }
      } else if (f == TENSOR_DATA_TYPE && w == VARINT) {
        typeCode = r.varint();
      } else if (f == TENSOR_NAME && w == LENGTH_DELIMITED) {
        name = r.string();
      } else if (f == TENSOR_RAW_DATA && w == LENGTH_DELIMITED) {
        raw = r.bytes();
      } else if (f == TENSOR_FLOAT_DATA && w == LENGTH_DELIMITED) {
        packedFloats = r.bytes();
      } else if (f == TENSOR_INT64_DATA && w == LENGTH_DELIMITED) {
        packedLongs = longsFromVarints(r.sub(r.bytes()));
      } else if (f == TENSOR_EXTERNAL_DATA || (f == TENSOR_DATA_LOCATION && w == VARINT && r.peekNonZero())) {
        throw r.invalid("initializer " + (name == null ? "(unnamed)" : "'" + name + "'")
            + " keeps its data in an external file, which is not supported");
      } else if ((f == TENSOR_FLOAT_DATA || f == TENSOR_INT64_DATA) && w != LENGTH_DELIMITED) {
        throw r.invalid("initializer data in unpacked form is not supported");
      } else {
        r.skip(tag);
      }
    }
    if (name == null || name.isEmpty()) {
      throw r.invalid("an initializer has no name");
    }
    DataType type = DataType.of(typeCode);
    if (type == null) {
      throw r.invalid("initializer '" + name + "' has data type " + typeCode
          + " (supported: " + Arrays.toString(DataType.values()) + ")");
    }
    long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
    long numel = numel(shape, name, r);
    ByteBuffer data = raw != null ? raw
        : type == DataType.FLOAT && packedFloats != null ? packedFloats
        : type == DataType.INT64 && packedLongs != null ? packedLongs
        : ByteBuffer.allocate(0);
    if (data.remaining() != numel * type.size) {
      throw r.invalid("initializer '" + name + "' has dims " + Arrays.toString(shape) + " of " + type
          + " (" + numel * type.size + " bytes) but holds " + data.remaining() + " bytes");
    }
    return new Initializer(name, type, shape, data.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  private static long numel(long[] shape, String name, Reader r) {
    if (shape.length > 64) {
      throw r.invalid("initializer '" + name + "' has " + shape.length + " dimensions");
    }
    long n = 1;
    try {
      for (long d : shape) {
        if (d < 0) {
          throw r.invalid("initializer '" + name + "' has a negative dimension " + d);
        }
        n = Math.multiplyExact(n, d);
      }
      Math.multiplyExact(n, 8L);
    } catch (ArithmeticException e) {
      throw r.invalid("initializer '" + name + "' dims " + Arrays.toString(shape) + " are too large");
    }
    return n;
  }

  /** int64_data is packed as varints: re-encode as 8-byte little-endian like raw_data. */
  private static ByteBuffer longsFromVarints(Reader packed) {
    List<Long> values = new ArrayList<>();
    while (packed.hasMore()) {
      values.add(packed.varint());
    }
    ByteBuffer out = ByteBuffer.allocate(values.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    values.forEach(out::putLong);
    return out.flip();
  }

  private static int field(long tag) {
    return (int) (tag >>> 3);
  }

  private static int wire(long tag) {
    return (int) (tag & 7);
  }

  /** Protobuf wire-format reads over a buffer, each bounded by what is left of it. */
  private static final class Reader {
    private final ByteBuffer buf;
    private final String where;

    Reader(ByteBuffer buf, String where) {
      this.buf = buf;
      this.where = where;
    }

    Reader sub(ByteBuffer b) {
      return new Reader(b, where);
    }

    boolean hasMore() {
      return buf.hasRemaining();
    }

    long varint() {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (!buf.hasRemaining()) {
          throw invalid("truncated: a number runs past the end of its message");
        }
        byte b = buf.get();
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw invalid("a number is longer than 10 bytes");
    }

    /** True when the next varint is non-zero; does not consume it. */
    boolean peekNonZero() {
      int at = buf.position();
      long v = varint();
      buf.position(at);
      return v != 0;
    }

    ByteBuffer bytes() {
      long length = varint();
      if (length < 0 || length > buf.remaining()) {
        throw invalid("truncated: a field of " + Long.toUnsignedString(length) + " bytes runs past the end of its "
            + "message (" + buf.remaining() + " bytes left)");
      }
      ByteBuffer slice = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
      slice.limit((int) length);
      buf.position(buf.position() + (int) length);
      return slice;
    }

    String string() {
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(bytes()).toString();
      } catch (CharacterCodingException e) {
        throw invalid("a name is not valid UTF-8");
      }
    }

    void skip(long tag) {
      switch (wire(tag)) {
        case VARINT -> varint();
        case FIXED64 -> advance(8);
        case LENGTH_DELIMITED -> bytes();
        case FIXED32 -> advance(4);
        default -> throw invalid("unknown protobuf wire type " + wire(tag) + " (field " + field(tag) + ")");
      }
    }

    private void advance(int n) {
      if (buf.remaining() < n) {
        throw invalid("truncated: a fixed-size field runs past the end of its message");
      }
      buf.position(buf.position() + n);
    }

    TunekitException invalid(String what) {
      return new TunekitException(where + ": invalid ONNX file: " + what + "; use an unmodified export");
    }
  }
}
