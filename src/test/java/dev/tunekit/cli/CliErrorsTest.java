package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tunekit.DiskFull;
import dev.tunekit.Fixtures;
import dev.tunekit.Log;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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

  Path smallData() throws IOException {
    return Fixtures.rottenTomatoesSlice(tmp.resolve("data"), 3, 3);
  }

  String[] svm(Path model, Path out, String... more) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("svm", "--model", model.toString(), "--data",
        smallData().toString(), "--out", out.toString(), "--threads", "1"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void configWithAbsurdLabelCount() throws IOException {
    Path m = modelCopy();
    Files.writeString(m.resolve("config.json"), Files.readString(m.resolve("config.json"))
        .replaceFirst("\"id2label\": \\{[^}]*\\},", "\"num_labels\": 2147483647,"));
    assertEquals("tunekit: error: " + m.resolve("config.json") + ": \"num_labels\" is 2147483647 but must be at most "
        + "100000; fix config.json", embed(m));
  }

  @Test
  void tokenizerThatCannotEncode() throws IOException {
    Path m = modelCopy();
    Fixtures.removeFromVocabulary(m.resolve("tokenizer.json"), "[UNK]");
    String line = embed(m);
    assertTrue(line.startsWith("tunekit: error: " + m.resolve("tokenizer.json") + ": cannot load the tokenizer (")
        && line.endsWith("); the file is damaged or not a HuggingFace tokenizer.json"), line);
  }

  @Test
  void pickleIsNeverRead() throws IOException {
    Path m = modelCopy();
    Files.delete(m.resolve("model.safetensors"));
    // A pickle that would run a shell command when unpickled; tunekit must not even read it.
    byte[] payload = "cos\nsystem\n(S'touch pwned'\ntR.".getBytes(StandardCharsets.ISO_8859_1);
    Path pickle = Files.write(m.resolve("pytorch_model.bin"), payload);
    Path control = Files.writeString(tmp.resolve("control.bin"), "x");
    FileTime longAgo = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
    for (Path f : List.of(pickle, control)) {
      Files.getFileAttributeView(f, BasicFileAttributeView.class).setTimes(null, longAgo, null);
    }
    Files.readAllBytes(control);
    assumeTrue(!accessed(control).equals(longAgo), "this file system records reads (no noatime)");
    String line = embed(m);
    assertEquals("tunekit: error: " + m.resolve("pytorch_model.bin") + ": pickle checkpoints are not loaded (they can run "
        + "code); convert once in Python: AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)", line);
    assertEquals(longAgo, accessed(pickle), "pytorch_model.bin was never read");
  }

  static FileTime accessed(Path f) throws IOException {
    return Files.readAttributes(f, BasicFileAttributes.class).lastAccessTime();
  }

  @Test
  void adapterRankThatWouldExhaustMemory() throws IOException {
    Path adapter = Files.createDirectories(tmp.resolve("adapter"));
    Path src = Fixtures.fixture("tiny-distilbert").resolve("lora_adapter");
    Files.copy(src.resolve("adapter_model.safetensors"), adapter.resolve("adapter_model.safetensors"));
    Files.writeString(adapter.resolve("adapter_config.json"), Files.readString(src.resolve("adapter_config.json"))
        .replace("\"r\": 4", "\"r\": 2147483647"));
    String line = fails("predict", "--model", Fixtures.fixture("tiny-distilbert").resolve("model").toString(),
        "--adapter", adapter.toString(), "a great movie");
    assertEquals("tunekit: error: " + adapter.resolve("adapter_config.json") + ": r is 2147483647 but must be an integer "
        + "from 1 to 4096", line);
  }

  @Test
  void outputFolderThatIsAFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("taken"), "x");
    assertEquals("tunekit: error: " + file + ": is a file; --out must name a folder",
        fails("finetune", "--model", "unused", "--data", "unused", "--out", file.toString()));
  }

  @Test
  void aFailedRunRemovesTheOutputFolderItCreated() throws IOException {
    Path created = tmp.resolve("lab-out");
    Path existing = Files.createDirectories(tmp.resolve("existing-out"));
    for (Path out : List.of(created, existing)) {
      assertTrue(fails("lab", "--data", smallData().toString(), "--model", tmp.resolve("absent").toString(),
          "--out", out.toString()).contains("model folder not found"));
    }
    assertFalse(Files.exists(created), "the folder the failed run created is gone");
    assertTrue(Files.isDirectory(existing), "a folder that was there before stays");
  }

  @Test
  void outputFolderThatHoldsFiles() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("svm-out"));
    Files.writeString(out.resolve("metrics.json"), "{}");
    assertEquals("tunekit: error: " + out + ": the output folder is not empty; pass --overwrite to write into it, or "
        + "choose another --out", fails("svm", "--model", "unused", "--data", "unused", "--out", out.toString()));
    assertEquals("{}", Files.readString(out.resolve("metrics.json")), "nothing overwritten");
  }

  @Test
  void readOnlyOutputFolder() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("read-only"));
    try (ReadOnly ro = ReadOnly.make(out)) {
      String line = fails("finetune", "--model", "unused", "--data", "unused", "--out", out.toString());
      assertTrue(line.startsWith("tunekit: error: " + out + ": the output folder is not writable (")
          && line.endsWith("); choose another --out"), line);
    }
  }

  @Test
  void diskFullWhileWritingTheOutput() throws IOException {
    Path out = Files.writeString(tmp.resolve("vectors.jsonl"), "earlier results\n");
    String line;
    try (DiskFull full = DiskFull.after(100)) {
      line = fails("embed", "--model", modelCopy().toString(), "--text", "hello", "--out", out.toString());
    }
    assertEquals("tunekit: error: " + out + ": cannot write (No space left on device); check that the folder is "
        + "writable and has free space", line);
    assertEquals("earlier results\n", Files.readString(out), "the previous file is whole");
    try (Stream<Path> files = Files.list(tmp)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no half-written temp file");
    }
  }

  @Test
  void maxLengthBeyondThePositionsIsClampedWithANotice() throws IOException {
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    Log.setStream(new java.io.PrintStream(log, true));
    Run r;
    try {
      r = tunekit(svm(modelCopy(), tmp.resolve("svm"), "--max-length", "1000"));
    } finally {
      Log.setStream(System.err);
    }
    assertEquals(0, r.code(), r.err());
    assertTrue(log.toString().contains("tunekit: warning: --max-length 1000 is beyond the model's 64 positions; using 64\n"),
        log.toString());
    assertTrue(Files.isRegularFile(tmp.resolve("svm/metrics.json")), "the run went on with 64");
  }

  @Test
  void maxLengthTooShort() throws IOException {
    assertEquals("tunekit: error: --max-length 1 is too short: [CLS] and [SEP] alone take 2 tokens; give at least 2 "
        + "(or leave it out for the model's 64)", fails(svm(modelCopy(), tmp.resolve("svm"), "--max-length", "1")));
  }

  @Test
  void datasetThatDoesNotExist() {
    String line = fails("svm", "--model", "unused", "--data", "no_such_dataset", "--out", tmp.resolve("o").toString());
    assertTrue(line.startsWith("tunekit: error: dataset no_such_dataset is neither a local folder nor in the HF cache (")
        && line.contains("HF_HUB_OFFLINE is set") && line.contains("TUNEKIT_DATA"), line);
  }

  @Test
  void modelTooBigForMemory() throws IOException {
    // A config whose embedding table (2^31 x 2^20 floats, 9 PB) is missing from the checkpoint:
    // libtorch's allocator refuses it, and the CLI says so in one line instead of crashing.
    Path m = modelCopy();
    Files.writeString(m.resolve("config.json"), "{\"model_type\": \"distilbert\", \"vocab_size\": 2147483647, "
        + "\"dim\": 1048576, \"n_heads\": 1, \"n_layers\": 1, \"hidden_dim\": 4, \"max_position_embeddings\": 64}");
    writeSafetensors(m.resolve("model.safetensors"), 2, "{}", 0);
    assertEquals("tunekit: error: out of memory (libtorch could not allocate 9.0 PB); use a smaller --batch-size or "
        + "--max-length, or a smaller model", embed(m));
  }
}
