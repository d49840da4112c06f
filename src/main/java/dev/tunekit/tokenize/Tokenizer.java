package dev.tunekit.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.JsonFiles;
import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's {@code tokenizer.json} run by HuggingFace's own Rust tokenizers (through DJL), so
 * token ids equal Python's: same normaliser, special tokens ([CLS] ... [SEP]) and truncation.
 *
 * <p>Sequences are truncated to the model's maximum length: the smaller of
 * {@code tokenizer_config.json}'s {@code model_max_length} and the position embeddings' size.
 */
public final class Tokenizer implements AutoCloseable {
  /** HF writes this for "no limit" (int(1e30)); any larger-than-sane value means the same. */
  private static final long NO_LIMIT = 1_000_000L;

  /** [CLS] and [SEP]: a shorter limit leaves no room for any text, and the Rust library fails on it. */
  private static final int MIN_LENGTH = 2;

  /**
   * What can make encoding fail: unknown characters (private use, a control), a word too long for
   * WordPiece, and more words than any model's positions (so truncation runs too).
   */
  private static final String PROBE = "tunekit \uE000\u0001 " + "x".repeat(600) + " " + "a ".repeat(1100);

  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final long padId;
  private final String fingerprint;

  private Tokenizer(HuggingFaceTokenizer tokenizer, int maxLength, long padId, String fingerprint) {
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.padId = padId;
    this.fingerprint = fingerprint;
  }

  /**
   * Loads {@code dir/tokenizer.json}, truncating to at most {@code maxPositions} tokens (or less
   * if {@code tokenizer_config.json} says so).
   */
  public static Tokenizer load(Path dir, int maxPositions, long padId) {
    return load(dir, maxPositions, padId, true);
  }

  /** No truncation at all: for measuring how long texts really are. */
  public static Tokenizer untruncated(Path dir, long padId) {
    return load(dir, Integer.MAX_VALUE, padId, false);
  }

  private static Tokenizer load(Path dir, int maxPositions, long padId, boolean truncate) {
    Path file = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new TunekitException(file + ": tokenizer.json not found; tunekit needs the fast "
          + "tokenizer file (in Python: AutoTokenizer.from_pretrained(...).save_pretrained(dir) writes it)");
    }
    int maxLength = truncate ? Math.min(maxPositions, modelMaxLength(dir.resolve("tokenizer_config.json")))
        : Integer.MAX_VALUE;
    if (maxLength < MIN_LENGTH) {
      throw new TunekitException(dir + ": the model takes at most " + maxLength + " tokens, but [CLS] and [SEP] "
          + "alone take " + MIN_LENGTH + "; check max_position_embeddings in config.json");
    }
    // Strict JSON first: the Rust library panics (and aborts the JVM) on some malformed values
    // instead of returning an error, e.g. "decoder": Null (found by the fuzzer).
    JsonNode root = dev.tunekit.JsonFiles.read(file, "tokenizer.json not found",
        "the file is damaged; save the tokenizer again from Python");
    if (!root.isObject() || !root.path("model").isObject()) {
      throw new TunekitException(file + ": not a HuggingFace tokenizer.json (it needs a \"model\" object); save the "
          + "tokenizer again from Python");
    }
    HuggingFaceTokenizer t;
    try {
      t = HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(true)
          .optTruncation(truncate)
          .optMaxLength(truncate ? maxLength : 1_000_000)
          .optPadding(false)
          .build();
    } catch (IOException | RuntimeException e) {
      throw damaged(file, e);
    }
    try {
      // The Rust library aborts the whole JVM when a batch fails to encode, while a single text
      // fails with an exception: so a tokenizer that cannot encode (no [UNK] in its vocabulary, a
      // special token it lacks, a length its template does not fit) is refused here, not mid-run.
      t.encode(PROBE);
      return new Tokenizer(t, maxLength, padId, sha256(file));
    } catch (IOException | RuntimeException e) {
      t.close();
      throw damaged(file, e);
    }
  }

  private static TunekitException damaged(Path file, Exception e) {
    return new TunekitException(file + ": cannot load the tokenizer (" + e.getMessage()
        + "); the file is damaged or not a HuggingFace tokenizer.json");
  }

  /** model_max_length of tokenizer_config.json, or no limit when absent or HF's "no limit" value. */
  private static int modelMaxLength(Path tokenizerConfig) {
    if (!Files.isRegularFile(tokenizerConfig)) {
      return Integer.MAX_VALUE;
    }
    JsonNode n = JsonFiles.read(tokenizerConfig, "not found", "fix or delete the file").get("model_max_length");
    if (n == null || !n.isNumber() || n.asDouble() >= NO_LIMIT) {
      return Integer.MAX_VALUE;
    }
    if (!(n.asDouble() >= MIN_LENGTH)) {
      throw new TunekitException(tokenizerConfig + ": model_max_length is " + n + " but must be at least "
          + MIN_LENGTH + " (room for [CLS] and [SEP]); fix or delete the file");
    }
    return n.asInt();
  }

  private static String sha256(Path file) throws IOException {
    try {
      var sha = java.security.MessageDigest.getInstance("SHA-256");
      return java.util.HexFormat.of().formatHex(sha.digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** sha256 of tokenizer.json: tokenized data cached under another tokenizer is never reused. */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * The same tokenizer truncating at {@code length} tokens. A length beyond the model's positions
   * is clamped to them, with a notice (the model could not embed the extra positions).
   */
  public Tokenizer withMaxLength(Path dir, int length) {
    if (length < MIN_LENGTH) {
      throw new TunekitException("--max-length " + length + " is too short: [CLS] and [SEP] alone take "
          + MIN_LENGTH + " tokens; give at least " + MIN_LENGTH + " (or leave it out for the model's " + maxLength + ")");
    }
    if (length > maxLength) {
      Log.warn("--max-length " + length + " is beyond the model's " + maxLength + " positions; using " + maxLength);
    }
    return load(dir, Math.min(length, maxLength), padId);
  }

  /** The most tokens a sequence keeps, special tokens included. */
  public int maxLength() {
    return maxLength;
  }

  public long padId() {
    return padId;
  }

  /** Token ids of one text: [CLS] pieces [SEP], truncated. */
  public long[] encode(String text) {
    return tokenizer.encode(text).getIds();
  }

  /** Tokens (strings) of one text, special tokens included. */
  public List<String> tokens(String text) {
    return List.of(tokenizer.encode(text).getTokens());
  }

  /** Token ids of many texts, encoded in parallel by the Rust library. */
  public List<long[]> encode(List<String> texts) {
    List<long[]> out = new ArrayList<>(texts.size());
    if (texts.isEmpty()) {
      return out;
    }
    for (Encoding e : tokenizer.batchEncode(texts)) {
      out.add(e.getIds());
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
