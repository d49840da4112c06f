package dev.tunekit.tensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes tensors in the safetensors format, readable by Python's {@code safetensors} and
 * {@code transformers}: header padded with spaces to a multiple of 8 bytes, tensors stored
 * back to back in the order given. The file appears atomically ({@link AtomicFile}), so a reader
 * never sees half of it, even when the disk fills up or the process is killed mid-write.
 */
public final class SafeTensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensorsWriter() {}

  /** Writes {@code tensors} (name to tensor, in order) and {@code metadata} to {@code file}. */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
    List<Tensor> contiguous = new ArrayList<>();
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue().detach().contiguous();
      contiguous.add(t);
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", DType.of(t.scalar_type()).name());
      ArrayNode shape = entry.putArray("shape");
      for (long d : t.shape()) {
        shape.add(d);
      }
      long bytes = t.nbytes();
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    prefix.putLong(padded).put(json);
    while (prefix.hasRemaining()) {
      prefix.put((byte) ' ');
    }
    prefix.flip();

    AtomicFile.write(file, out -> {
      writeFully(out, prefix);
      for (Tensor t : contiguous) {
        long n = t.nbytes();
        if (n == 0) {
          continue;
        }
        BytePointer data = new BytePointer(t.data_ptr());
        data.capacity(n).limit(n);
        writeFully(out, data.asByteBuffer());
      }
    });
  }

  private static void writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }
}
