package dev.tunekit.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fixtures;
import dev.tunekit.Fuzz;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loading a model folder's tokenizer: tokenizer.json (and tokenizer_config.json) from the input,
 * then a batch of texts through it, as training does. The Rust library behind it aborts the JVM
 * on a batch it cannot encode, so a finding here may show as a crashed fork, not a failed test.
 */
class TokenizerFuzzTest {
  static final List<String> TEXTS = List.of("a great movie", "", "Caf\u00e9 \u6211 \uE000 " + "x".repeat(150),
      "the the the the the the the the the the the the the the the the the the the the the the the");

  /** The Rust library loads once, before the per-input timeout starts counting. */
  @BeforeAll
  static void loadTheLibrary() {
    Tokenizer.load(Fixtures.fixture("tiny-bert").resolve("model"), 40, 0).close();
  }

  /** Input: a tokenizer_config.json's length (1 byte), that many bytes of it, then tokenizer.json. */
  static Stream<byte[]> seeds() {
    String vocab = "\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3,\"a\":4,\"great\":5,\"movie\":6,\"the\":7,\"##s\":8";
    String wordPiece = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
        + "\"normalizer\":{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,"
        + "\"strip_accents\":null,\"lowercase\":true},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},"
        + "\"post_processor\":{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",3],\"cls\":[\"[CLS]\",2]},"
        + "\"decoder\":null,\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\","
        + "\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":100,\"vocab\":{" + vocab + "}}}";
    byte[] config = Fuzz.utf8("{\"model_max_length\": 16}");
    return Stream.of(Fuzz.concat(new byte[] {0}, Fuzz.utf8(wordPiece)),
        Fuzz.concat(Fuzz.concat(new byte[] {(byte) config.length}, config), Fuzz.utf8(wordPiece)));
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void loadAndEncode(byte[] input) {
    if (input.length < 1) {
      return;
    }
    int configLength = Math.min(input[0] & 0xff, input.length - 1);
    Path dir = Fuzz.write("tokenizer/tokenizer.json", Arrays.copyOfRange(input, 1 + configLength, input.length))
        .getParent();
    Path config = dir.resolve("tokenizer_config.json");
    if (configLength > 0) {
      Fuzz.write("tokenizer/tokenizer_config.json", Arrays.copyOfRange(input, 1, 1 + configLength));
    } else {
      config.toFile().delete();
    }
    Fuzz.parse(() -> {
      try (Tokenizer t = Tokenizer.load(dir, 64, 0)) {
        List<long[]> ids = t.encode(TEXTS);
        assertEquals(TEXTS.size(), ids.size());
        ids.forEach(row -> assertTrue(row.length <= t.maxLength(), "truncated to " + t.maxLength()));
      }
    });
  }
}
