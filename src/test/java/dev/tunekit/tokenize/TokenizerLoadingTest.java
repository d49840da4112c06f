package dev.tunekit.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizer folders that load but cannot encode, and lengths that leave no room for text. */
class TokenizerLoadingTest {
  static final Path TINY = Fixtures.fixture("tiny-distilbert").resolve("model");

  @TempDir Path dir;

  Path tokenizerCopy() throws IOException {
    Files.copy(TINY.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    Files.copy(TINY.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
    return dir;
  }

  @Test
  void tokenizerThatCannotEncodeIsRefusedWhenLoaded() throws IOException {
    // Without [UNK] in the vocabulary, WordPiece fails on an unknown word; in a batch the Rust
    // library then panics across JNI and the JVM aborts. Loading now encodes a probe and refuses it.
    Path d = tokenizerCopy();
    Fixtures.removeFromVocabulary(d.resolve("tokenizer.json"), "[UNK]");
    String line = assertThrows(TunekitException.class, () -> Tokenizer.load(d, 64, 0)).getMessage();
    assertTrue(line.startsWith(d.resolve("tokenizer.json") + ": cannot load the tokenizer (") && line.contains("[UNK]")
        && line.endsWith("the file is damaged or not a HuggingFace tokenizer.json"), line);
  }

  @Test
  void maxLengthBelowTwoIsRefused() throws IOException {
    Path d = tokenizerCopy();
    Files.writeString(d.resolve("tokenizer_config.json"), "{\"model_max_length\": 0.5}");
    assertEquals(d.resolve("tokenizer_config.json") + ": model_max_length is 0.5 but must be at least 2 (room for "
        + "[CLS] and [SEP]); fix or delete the file",
        assertThrows(TunekitException.class, () -> Tokenizer.load(d, 64, 0)).getMessage());
    Files.delete(d.resolve("tokenizer_config.json"));
    assertTrue(assertThrows(TunekitException.class, () -> Tokenizer.load(d, 1, 0)).getMessage()
        .contains("the model takes at most 1 tokens, but [CLS] and [SEP] alone take 2"));
  }

  @Test
  void maxLengthFlagBeyondThePositionsIsClampedWithANotice() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Log.setStream(new PrintStream(log, true));
    try (Tokenizer base = Tokenizer.load(TINY, 64, 0); Tokenizer longer = base.withMaxLength(TINY, 1000);
        Tokenizer shorter = base.withMaxLength(TINY, 8)) {
      assertEquals(64, longer.maxLength());
      assertEquals("tunekit: warning: --max-length 1000 is beyond the model's 64 positions; using 64\n", log.toString());
      assertEquals(8, shorter.maxLength());
      assertEquals(8, shorter.encode(List.of("x ".repeat(100))).get(0).length);
      TunekitException e = assertThrows(TunekitException.class, () -> base.withMaxLength(TINY, 1));
      assertEquals("--max-length 1 is too short: [CLS] and [SEP] alone take 2 tokens; give at least 2 (or leave it "
          + "out for the model's 64)", e.getMessage());
    } finally {
      Log.setStream(System.err);
    }
  }
}
