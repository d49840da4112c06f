package dev.tunekit.data;

import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.SafeTensorsWriter;
import dev.tunekit.tensors.Tensors;
import dev.tunekit.tokenize.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Tokenized splits cached on disk, keyed by the split's content fingerprint, the tokenizer's
 * hash and the maximum length: a second run (another method, another C) skips tokenization,
 * and any change to data or tokenizer misses the cache. Files are safetensors: all ids back to
 * back ({@code ids}, I64), row starts ({@code offsets}, I64 [n+1]) and {@code labels}.
 */
public final class TokenCache {
  private final Path dir;

  public TokenCache(Path dir) {
    this.dir = dir;
  }

  /** {@code TUNEKIT_CACHE/tokenized}, else {@code ~/.cache/tunekit/tokenized}. */
  public static TokenCache standard() {
    String root = System.getenv("TUNEKIT_CACHE");
    Path base = root != null && !root.isBlank() ? Path.of(root) : Path.of(System.getProperty("user.home"), ".cache", "tunekit");
    return new TokenCache(base.resolve("tokenized"));
  }

  public TokenizedSplit tokenize(Split split, Tokenizer tokenizer) {
    Path file = dir.resolve(key(split, tokenizer) + ".safetensors");
    if (Files.isRegularFile(file)) {
      try {
        return read(file, split);
      } catch (TunekitException e) {
        Log.warn("ignoring a damaged token cache file " + file + " (" + e.getMessage() + ")");
      }
    }
    TokenizedSplit tokenized = TokenizedSplit.of(split, tokenizer);
    write(file, tokenized);
    return tokenized;
  }

  static String key(Split split, Tokenizer tokenizer) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((split.fingerprint() + "|" + tokenizer.fingerprint() + "|" + tokenizer.maxLength())
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TokenizedSplit read(Path file, Split split) {
    try (SafeTensors st = SafeTensors.open(file)) {
      long[] ids = Tensors.toLongs(st.tensor("ids"));
      long[] offsets = Tensors.toLongs(st.tensor("offsets"));
      if (offsets.length != split.size() + 1 || offsets[0] != 0 || offsets[offsets.length - 1] != ids.length) {
        throw new TunekitException("row count does not match the split");
      }
      for (int i = 0; i < split.size(); i++) {
        if (offsets[i] > offsets[i + 1]) {
          throw new TunekitException("row offsets go backwards");
        }
      }
      List<long[]> rows = new ArrayList<>(split.size());
      for (int i = 0; i < split.size(); i++) {
        rows.add(java.util.Arrays.copyOfRange(ids, (int) offsets[i], (int) offsets[i + 1]));
      }
      return new TokenizedSplit(split.name(), rows, split.labels());
    }
  }

  private static void write(Path file, TokenizedSplit split) {
    long total = 0;
    for (long[] row : split.ids()) {
      total += row.length;
    }
    long[] ids = new long[(int) total];
    long[] offsets = new long[split.size() + 1];
    int at = 0;
    for (int i = 0; i < split.size(); i++) {
      long[] row = split.ids().get(i);
      System.arraycopy(row, 0, ids, at, row.length);
      at += row.length;
      offsets[i + 1] = at;
    }
    long[] labels = new long[split.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = split.labels()[i];
    }
    Engine.start(); // libtorch may still be loading in the background (the first tensor must wait for it)
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("ids", Tensor.create(ids, ids.length));
    tensors.put("offsets", Tensor.create(offsets, offsets.length));
    tensors.put("labels", Tensor.create(labels, labels.length));
    try {
      SafeTensorsWriter.write(file, tensors, Map.of("split", split.name()));
    } catch (TunekitException e) {
      Log.warn("cannot cache tokenized data (" + e.getMessage() + "); continuing without the cache");
    }
  }
}
