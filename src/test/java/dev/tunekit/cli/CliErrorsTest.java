package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error a user can cause: one line on stderr saying what, where and how to fix it,
 * a non-zero exit, no stack trace, and no output file left behind.
 */
class CliErrorsTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run tunekit(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** Runs a command that must fail; returns its single error line. */
  static String fails(String... args) {
    Run r = tunekit(args);
    assertNotEquals(0, r.code, "exit code");
    List<String> lines = r.err.lines().filter(l -> !l.isBlank() && !l.startsWith("tunekit: warning")).toList();
    assertEquals(1, lines.size(), "exactly one error line, got:\n" + r.err);
    String line = lines.get(0);
    assertTrue(line.startsWith("tunekit: "), line);
    assertFalse(line.contains("Exception") || r.err.contains("\tat "), "no stack trace: " + r.err);
    return line;
  }

  /** A copy of the tiny DistilBERT folder to break in one way. */
  Path modelCopy() throws IOException {
    Path src = Fixtures.fixture("tiny-distilbert").resolve("model");
    Path dst = tmp.resolve("model");
    Files.createDirectories(dst);
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.toList()) {
        Files.copy(f, dst.resolve(f.getFileName()));
      }
    }
    return dst;
  }

  String embed(Path model) {
    Path out = tmp.resolve("out.jsonl");
    String line = fails("embed", "--model", model.toString(), "--text", "hello", "--out", out.toString());
    assertFalse(Files.exists(out), "nothing written");
    return line;
  }

  static void writeSafetensors(Path file, long headerLength, String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(headerLength).put(json);
    Files.write(file, b.array());
  }

  @Test
  void missingModelFolder() {
    String line = embed(tmp.resolve("no-such-model"));
    assertTrue(line.contains("no-such-model") && line.contains("model folder not found"), line);
  }

  @Test
  void hubIdWithIllegalCharacters() {
    String line = fails("embed", "--model", "org/na me", "--text", "x");
    assertTrue(line.contains("'org/na me' is not a Hub model id"), line);
  }

  @Test
  void hubIdAbsentWhileOffline() {
    // The build runs tests with HF_HUB_OFFLINE=1 and an empty HF cache under target/.
    org.junit.jupiter.api.Assumptions.assumeTrue("1".equals(System.getenv("HF_HUB_OFFLINE")));
    String line = fails("embed", "--model", "nobody/nothing", "--text", "x");
    assertTrue(line.contains("nobody/nothing is neither a local folder nor in the HF cache")
        && line.contains("HF_HUB_OFFLINE"), line);
  }

  @Test
  void configJsonMissing() throws IOException {
    Path m = modelCopy();
    Files.delete(m.resolve("config.json"));
    assertTrue(embed(m).contains("config.json not found"));
  }

  @Test
  void configJsonWithoutModelType() throws IOException {
    Path m = modelCopy();
    Files.writeString(m.resolve("config.json"), "{\"dim\": 32}");
    String line = embed(m);
    assertTrue(line.contains("config.json") && line.contains("no \"model_type\""), line);
  }

  @Test
  void unknownModelType() throws IOException {
    Path m = modelCopy();
    Files.writeString(m.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
    String line = embed(m);
    assertTrue(line.contains("\"gpt2\" is not supported"), line);
  }

  @Test
  void configJsonNotJsonNamesTheLine() throws IOException {
    Path m = modelCopy();
    Files.writeString(m.resolve("config.json"), "{\n  \"model_type\": \"bert\",\n  oops\n}");
    String line = embed(m);
    assertTrue(line.contains("config.json:3:"), line);
  }

  @Test
  void configValueOfWrongType() throws IOException {
    Path m = modelCopy();
    Files.writeString(m.resolve("config.json"), "{\"model_type\": \"distilbert\", \"dim\": \"wide\"}");
    assertTrue(embed(m).contains("\"dim\" is \"wide\" but must be a non-negative integer"));
  }

  @Test
  void safetensorsTruncated() throws IOException {
    Path m = modelCopy();
    Path st = m.resolve("model.safetensors");
    byte[] all = Files.readAllBytes(st);
    Files.write(st, java.util.Arrays.copyOf(all, all.length / 2));
    String line = embed(m);
    assertTrue(line.contains("model.safetensors") && line.contains("truncated"), line);
  }

  @Test
  void safetensorsHeaderLengthBeyondFile() throws IOException {
    Path m = modelCopy();
    writeSafetensors(m.resolve("model.safetensors"), 1 << 20, "{}", 0);
    assertTrue(embed(m).contains("beyond the end of the file"));
  }

  @Test
  void safetensorsOverlappingOffsets() throws IOException {
    Path m = modelCopy();
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    writeSafetensors(m.resolve("model.safetensors"), header.length(), header, 12);
    assertTrue(embed(m).contains("overlap"));
  }

  @Test
  void safetensorsUnknownDtype() throws IOException {
    Path m = modelCopy();
    String header = "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    writeSafetensors(m.resolve("model.safetensors"), header.length(), header, 8);
    assertTrue(embed(m).contains("unknown dtype \"Q4\""));
  }

  @Test
  void tensorShapeDisagreesWithConfig() throws IOException {
    Path m = modelCopy();
    String config = Files.readString(m.resolve("config.json")).replace("\"hidden_dim\": 37", "\"hidden_dim\": 38");
    Files.writeString(m.resolve("config.json"), config);
    String line = embed(m);
    assertTrue(line.contains("ffn.lin1.weight' has shape [37, 32] but config.json implies [38, 32]"), line);
  }

  @Test
  void tokenizerJsonMissing() throws IOException {
    Path m = modelCopy();
    Files.delete(m.resolve("tokenizer.json"));
    assertTrue(embed(m).contains("tokenizer.json not found"));
  }

  @Test
  void pickleCheckpointIsRefusedWithAWayOut() throws IOException {
    Path m = modelCopy();
    Files.move(m.resolve("model.safetensors"), m.resolve("pytorch_model.bin"));
    String line = embed(m);
    assertTrue(line.contains("pytorch_model.bin") && line.contains("safe_serialization=True"), line);
  }

  @Test
  void badPoolingFlag() throws IOException {
    String line = fails("embed", "--model", modelCopy().toString(), "--pooling", "max", "--text", "x");
    assertTrue(line.contains("pooling \"max\" is unknown; use cls or mean"), line);
  }

  @Test
  void unknownOption() {
    String line = fails("embed", "--modle", "x");
    assertTrue(line.contains("unknown option '--modle' (did you mean --model?)") && line.contains("tunekit embed --help"), line);
  }

  @Test
  void inputFileWithBadLineNamesFileAndLine() throws IOException {
    Path input = tmp.resolve("in.jsonl");
    Files.writeString(input, "{\"text\": \"fine\"}\n{\"txt\": \"wrong column\"}\n");
    String line = fails("embed", "--model", modelCopy().toString(), "--input", input.toString());
    assertTrue(line.contains("in.jsonl:2: no string field \"text\""), line);
  }

  @Test
  void nothingToEmbed() throws IOException {
    assertTrue(fails("embed", "--model", modelCopy().toString()).contains("nothing to embed"));
  }
}
