package dev.tunekit.tensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header, then
 * raw little-endian tensor data.
 *
 * <p>The header is validated in full before any data is touched, since the file may come from
 * anywhere: a bounded header length that fits the file, known dtypes, shapes whose byte size
 * matches the offsets, offsets inside the data area and no two tensors sharing bytes. The data is
 * memory-mapped and each tensor copied once into memory that libtorch owns.
 */
public final class SafeTensors implements AutoCloseable {
  /** Largest header accepted (HF's own reader uses the same bound). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  /** One tensor's place in the file; offsets are relative to the start of the data area. */
  public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    public long numel() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    public long byteSize() {
      return end - begin;
    }
  }

  /** A validated header: the tensors in file order and the free-form metadata. */
  public record Header(Map<String, Entry> entries, Map<String, String> metadata) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Header header;

  private SafeTensors(Path file, FileChannel channel, long dataStart, Header header) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.header = header;
  }

  /** Opens and validates {@code file}; throws {@link TunekitException} on any defect. */
  public static SafeTensors open(Path file) {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new TunekitException(file + ": file not found; give the path of a .safetensors file");
    } catch (IOException e) {
      throw new TunekitException(file + ": cannot read (" + e.getMessage() + ")");
    }
    try {
      long size = channel.size();
      if (size < 8) {
        throw corrupt(file, "truncated: the file has " + size + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
        throw corrupt(file, "header length " + Long.toUnsignedString(headerLength)
            + " is beyond the " + MAX_HEADER_BYTES + "-byte limit");
      }
      if (headerLength > size - 8) {
        throw corrupt(file, "header length " + headerLength + " is beyond the end of the file ("
            + size + " bytes): the file is truncated");
      }
      ByteBuffer json = ByteBuffer.allocate((int) headerLength);
      readFully(channel, json, 8);
      Header header = parseHeader(json.array(), size - 8 - headerLength, file.toString());
      return new SafeTensors(file, channel, 8 + headerLength, header);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new TunekitException(file + ": cannot read (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Parses and validates a header against a data area of {@code dataLength} bytes. Pure: no I/O,
   * so it can be tested and fuzzed on its own.
   */
  public static Header parseHeader(byte[] json, long dataLength, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(new String(json, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw corrupt(where, "header is not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw corrupt(where, "header is not a JSON object");
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.equals("__metadata__")) {
        if (!value.isObject()) {
          throw corrupt(where, "__metadata__ is not a JSON object");
        }
        value.fields().forEachRemaining(m -> {
          if (!m.getValue().isTextual()) {
            throw corrupt(where, "__metadata__ value '" + m.getKey() + "' is not a string");
          }
          metadata.put(m.getKey(), m.getValue().asText());
        });
        continue;
      }
      entries.put(name, parseEntry(name, value, dataLength, where));
    }
    checkNoOverlap(entries.values(), where);
    return new Header(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
  }

  private static Entry parseEntry(String name, JsonNode value, long dataLength, String where) {
    String what = "tensor '" + name + "'";
    if (!value.isObject()) {
      throw corrupt(where, what + " is not a JSON object");
    }
    JsonNode dtypeNode = value.get("dtype");
    DType dtype = dtypeNode != null && dtypeNode.isTextual() ? DType.parse(dtypeNode.asText()) : null;
    if (dtype == null) {
      throw corrupt(where, what + " has unknown dtype " + dtypeNode
          + " (known: " + Arrays.toString(DType.values()) + ")");
    }
    long[] shape = longArray(value.get("shape"), -1, what + " shape", where);
    long[] offsets = longArray(value.get("data_offsets"), 2, what + " data_offsets", where);
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw corrupt(where, what + " data_offsets [" + begin + ", " + end + "] end before they begin");
    }
    if (end > dataLength) {
      throw corrupt(where, what + " data_offsets [" + begin + ", " + end + "] reach past the data area ("
          + dataLength + " bytes): the file is truncated");
    }
    long bytes;
    try {
      long numel = 1;
      for (long d : shape) {
        numel = Math.multiplyExact(numel, d);
      }
      bytes = Math.multiplyExact(numel, (long) dtype.size);
    } catch (ArithmeticException e) {
      throw corrupt(where, what + " shape " + Arrays.toString(shape) + " is too large");
    }
    if (bytes != end - begin) {
      throw corrupt(where, what + " shape " + Arrays.toString(shape) + " of " + dtype + " needs " + bytes
          + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static long[] longArray(JsonNode node, int length, String what, String where) {
    if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
      throw corrupt(where, what + " is missing or not an array"
          + (length >= 0 ? " of " + length + " integers" : " of integers"));
    }
    if (node.size() > 64) {
      throw corrupt(where, what + " has " + node.size() + " dimensions");
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode n = node.get(i);
      if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
        throw corrupt(where, what + " holds " + n + ", not a non-negative integer");
      }
      out[i] = n.asLong();
    }
    return out;
  }

  private static void checkNoOverlap(Iterable<Entry> entries, String where) {
    List<Entry> sorted = new ArrayList<>();
    entries.forEach(sorted::add);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    Entry previous = null;
    for (Entry e : sorted) {
      if (e.byteSize() == 0) {
        continue;
      }
      if (previous != null && e.begin() < previous.end()) {
        throw corrupt(where, "tensors '" + previous.name() + "' [" + previous.begin() + ", "
            + previous.end() + "] and '" + e.name() + "' [" + e.begin() + ", " + e.end() + "] overlap");
      }
      previous = e;
    }
  }

  private static TunekitException corrupt(Object where, String what) {
    return new TunekitException(where + ": invalid safetensors file: " + what
        + "; re-download or re-save the file");
  }

  public Path file() {
    return file;
  }

  public Map<String, Entry> entries() {
    return header.entries();
  }

  public Map<String, String> metadata() {
    return header.metadata();
  }

  public boolean contains(String name) {
    return header.entries().containsKey(name);
  }

  public Entry entry(String name) {
    Entry e = header.entries().get(name);
    if (e == null) {
      throw new TunekitException(file + ": no tensor named '" + name + "'");
    }
    return e;
  }

  /** A copy of tensor {@code name} in its stored dtype, owned by libtorch. */
  public Tensor tensor(String name) {
    Entry e = entry(name);
    if (e.dtype().scalarType == null) {
      throw new TunekitException(file + ": tensor '" + name + "' has dtype " + e.dtype()
          + ", which libtorch cannot hold; convert the file to F32, F16 or BF16");
    }
    Engine.start();
    TensorOptions options = new TensorOptions(e.dtype().scalarType);
    if (e.byteSize() == 0) {
      return torch.zeros(e.shape(), options);
    }
    if (e.byteSize() > Integer.MAX_VALUE) {
      throw new TunekitException(file + ": tensor '" + name + "' is larger than 2 GiB; split the checkpoint into shards");
    }
    try {
      MappedByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.byteSize());
      BytePointer pointer = new BytePointer(data);
      Tensor view = torch.from_blob(pointer, e.shape(), options);
      Tensor owned = view.clone();
      view.close();
      pointer.close();
      return owned;
    } catch (IOException ex) {
      throw new TunekitException(file + ": cannot read tensor '" + name + "' (" + ex.getMessage() + ")");
    }
  }

  /** Tensor {@code name} as float32 (F16 and BF16 widened exactly). */
  public Tensor floatTensor(String name) {
    Tensor t = tensor(name);
    if (t.scalar_type().value == ScalarType.Float.value) {
      return t;
    }
    if (!entry(name).dtype().isFloatingPoint()) {
      throw new TunekitException(file + ": tensor '" + name + "' has dtype " + entry(name).dtype()
          + "; weights must be F32, F16 or BF16");
    }
    Tensor f = t.to(ScalarType.Float);
    t.close();
    return f;
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do: the file was only read
    }
  }
}
