package dev.tunekit.tensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir Path dir;

  /** A safetensors file made by hand: header JSON as given, then {@code dataBytes} zero bytes. */
  static Path handMade(Path file, String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    Files.write(file, b.array());
    return file;
  }

  @Test
  void readsFileWrittenByPython() {
    Path file = Fixtures.fixture("tiny-distilbert").resolve("model/model.safetensors");
    try (SafeTensors st = SafeTensors.open(file)) {
      assertEquals("pt", st.metadata().get("format"));
      SafeTensors.Entry e = st.entry("distilbert.embeddings.word_embeddings.weight");
      assertEquals(DType.F32, e.dtype());
      assertArrayEquals(new long[] {30522, 32}, e.shape());
    }
  }

  @Test
  void roundTripsEveryFloatTypeAndLongs() {
    Engine.start();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    Tensor f32 = Tensor.create(new float[] {1.5f, -2.25f, 0.375f, 7f, 0f, -0f}, 2, 3);
    tensors.put("a.f32", f32);
    tensors.put("b.bf16", f32.to(ScalarType.BFloat16));
    tensors.put("c.f16", f32.to(ScalarType.Half));
    tensors.put("d.i64", Tensor.create(new long[] {1, -2, 1L << 40}, 3));
    Path file = dir.resolve("x.safetensors");
    SafeTensorsWriter.write(file, tensors, Map.of("format", "pt"));
    try (SafeTensors st = SafeTensors.open(file)) {
      assertEquals(DType.BF16, st.entry("b.bf16").dtype());
      assertEquals(DType.F16, st.entry("c.f16").dtype());
      assertArrayEquals(Tensors.toFloats(f32), Tensors.toFloats(st.floatTensor("a.f32")));
      // These values are exact in bf16 and f16, so widening must give them back bit for bit.
      assertArrayEquals(Tensors.toFloats(f32), Tensors.toFloats(st.floatTensor("c.f16")));
      assertArrayEquals(Tensors.toFloats(f32), Tensors.toFloats(st.floatTensor("b.bf16")));
      assertArrayEquals(new long[] {1, -2, 1L << 40}, Tensors.toLongs(st.tensor("d.i64")));
      assertEquals("pt", st.metadata().get("format"));
    }
    // HF's layout: header length is a multiple of 8 and the data starts right after it.
    assertEquals(0, headerLength(file) % 8);
  }

  static long headerLength(Path file) {
    try {
      byte[] b = Files.readAllBytes(file);
      return ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  String rejects(Path file) {
    TunekitException e = assertThrows(TunekitException.class, () -> SafeTensors.open(file).close());
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void rejectsTruncatedFile() throws IOException {
    Path file = Files.write(dir.resolve("t.safetensors"), new byte[] {1, 2, 3});
    assertTrue(rejects(file).contains("truncated"));
  }

  @Test
  void rejectsHeaderLengthBeyondFile() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
    Path file = Files.write(dir.resolve("h.safetensors"), b.array());
    assertTrue(rejects(file).contains("beyond the end of the file"));
  }

  @Test
  void rejectsHugeHeaderLength() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
    Path file = Files.write(dir.resolve("huge.safetensors"), b.array());
    assertTrue(rejects(file).contains("limit"));
  }

  @Test
  void rejectsOverlappingOffsets() throws IOException {
    Path file = handMade(dir.resolve("o.safetensors"),
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
    assertTrue(rejects(file).contains("overlap"));
  }

  @Test
  void rejectsUnknownDtype() throws IOException {
    Path file = handMade(dir.resolve("d.safetensors"),
        "{\"a\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
    assertTrue(rejects(file).contains("unknown dtype"));
  }

  @Test
  void rejectsOffsetsPastTheData() throws IOException {
    Path file = handMade(dir.resolve("p.safetensors"),
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    assertTrue(rejects(file).contains("truncated"));
  }

  @Test
  void rejectsShapeThatDisagreesWithOffsets() throws IOException {
    Path file = handMade(dir.resolve("s.safetensors"),
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
    assertTrue(rejects(file).contains("needs 12 bytes"));
  }

  @Test
  void rejectsOverflowingShape() throws IOException {
    Path file = handMade(dir.resolve("big.safetensors"),
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8);
    assertTrue(rejects(file).contains("too large"));
  }

  @Test
  void rejectsHeaderThatIsNotJson() throws IOException {
    Path file = handMade(dir.resolve("j.safetensors"), "{\"a\": [", 0);
    assertTrue(rejects(file).contains("not valid JSON"));
  }

  @Test
  void missingFileIsOneLine() {
    assertTrue(rejects(dir.resolve("nope.safetensors")).contains("not found"));
  }
}
