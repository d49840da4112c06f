package dev.tunekit.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** One split of a text-classification dataset: texts and label ids, in file order. */
public record Split(String name, List<String> texts, int[] labels) {
  public Split {
    texts = List.copyOf(texts);
    if (texts.size() != labels.length) {
      throw new IllegalArgumentException("texts and labels differ in length");
    }
  }

  public int size() {
    return texts.size();
  }

  /** Rows per label id. */
  public int[] labelCounts(int numLabels) {
    int[] counts = new int[numLabels];
    for (int l : labels) {
      counts[l]++;
    }
    return counts;
  }

  /** sha256 of the content (every text and label, in order): changes whenever the data does. */
  public String fingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < texts.size(); i++) {
        sha.update(texts.get(i).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Integer.toString(labels[i]).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The rows at {@code indices}, as a new split (a slice for quick runs). */
  public Split subset(int[] indices) {
    String[] t = new String[indices.length];
    int[] l = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      t[i] = texts.get(indices[i]);
      l[i] = labels[indices[i]];
    }
    return new Split(name, List.of(t), l);
  }
}
