package dev.tunekit.tensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

/**
 * Writes tensors in the safetensors format, readable by Python's {@code safetensors} and
 * {@code transformers}: header padded with spaces to a multiple of 8 bytes, tensors stored
 * back to back in the order given. The file appears atomically (temp file, fsync, rename), so a
 * reader never sees half of it.
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

    Path dir = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
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
        out.force(true);
      }
      dev.tunekit.AtomicFile.makeReadable(temp);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: the temp name starts with a dot and ends in .tmp
        }
      }
      throw new TunekitException(file + ": cannot write (" + e.getMessage() + "); check free space and permissions");
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }
}
