package dev.tunekit.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    try {
      HuggingFaceTokenizer t = HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(true)
          .optTruncation(truncate)
          .optMaxLength(truncate ? maxLength : 1_000_000)
          .optPadding(false)
          .build();
      return new Tokenizer(t, maxLength, padId, sha256(file));
    } catch (IOException | RuntimeException e) {
      throw new TunekitException(file + ": cannot load the tokenizer (" + e.getMessage()
          + "); the file is damaged or not a HuggingFace tokenizer.json");
    }
  }

  private static int modelMaxLength(Path tokenizerConfig) {
    if (!Files.isRegularFile(tokenizerConfig)) {
      return Integer.MAX_VALUE;
    }
    try {
      JsonNode n = new ObjectMapper().readTree(tokenizerConfig.toFile()).get("model_max_length");
      if (n != null && n.isNumber() && n.asDouble() > 0 && n.asDouble() < NO_LIMIT) {
        return n.asInt();
      }
      return Integer.MAX_VALUE;
    } catch (IOException e) {
      throw new TunekitException(tokenizerConfig + ": invalid JSON (" + e.getMessage() + "); fix or delete the file");
    }
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

  /** The same tokenizer truncating at {@code length} tokens (at most the model's maximum). */
  public Tokenizer withMaxLength(Path dir, int length) {
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
