package dev.tunekit.pipeline;

import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.SafeTensorsWriter;
import dev.tunekit.tensors.Tensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/**
 * Frozen-encoder features on disk (safetensors), keyed by the model (folder, weights file size
 * and time), the split's token ids, pooling, layer and precision: a second run with another
 * classifier or C costs no encoder pass; any change to model or data misses.
 */
public final class FeatureCache {
  private final Path dir;
  private int hits;

  public FeatureCache(Path dir) {
    this.dir = dir;
  }

  /** {@code TUNEKIT_CACHE/features}, else {@code ~/.cache/tunekit/features}. */
  public static FeatureCache standard() {
    String root = System.getenv("TUNEKIT_CACHE");
    Path base = root != null && !root.isBlank() ? Path.of(root) : Path.of(System.getProperty("user.home"), ".cache", "tunekit");
    return new FeatureCache(base.resolve("features"));
  }

  /** Features of {@code split}: from the cache, or computed by {@code extractor} and stored. */
  public float[][] features(FeatureExtractor extractor, Path modelDir, TokenizedSplit split, Pooling pooling) {
    Path file = dir.resolve(key(extractor, modelDir, split, pooling) + ".safetensors");
    if (Files.isRegularFile(file)) {
      try (SafeTensors st = SafeTensors.open(file)) {
        Tensor t = st.tensor("features");
        if (t.size(0) == split.size()) {
          hits++;
          return Tensors.toMatrix(t);
        }
      } catch (TunekitException e) {
        Log.warn("ignoring a damaged feature cache file " + file + " (" + e.getMessage() + ")");
      }
    }
    float[][] features = extractor.embedTokens(split.ids(), pooling);
    try {
      SafeTensorsWriter.write(file, Map.of("features", matrix(features)), Map.of("split", split.name()));
    } catch (TunekitException e) {
      Log.warn("cannot cache features (" + e.getMessage() + "); continuing without the cache");
    }
    return features;
  }

  /** Splits served from disk so far. */
  public int hits() {
    return hits;
  }

  /** A [rows, cols] float32 tensor of a Java matrix. */
  public static Tensor matrix(float[][] m) {
    int cols = m.length == 0 ? 0 : m[0].length;
    float[] flat = new float[m.length * cols];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, flat, i * cols, cols);
    }
    return Tensor.create(flat, m.length, cols);
  }

  private static String key(FeatureExtractor extractor, Path modelDir, TokenizedSplit split, Pooling pooling) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      Path weights = modelDir.resolve("model.safetensors");
      sha.update((modelDir.toAbsolutePath().normalize() + "|" + Files.size(weights) + "|"
          + Files.getLastModifiedTime(weights).toMillis() + "|" + pooling + "|" + extractor.layer() + "|"
          + extractor.precision() + "|" + extractor.tokenizer().fingerprint() + "|").getBytes(StandardCharsets.UTF_8));
      for (long[] row : split.ids()) {
        for (long id : row) {
          sha.update(Long.toString(id).getBytes(StandardCharsets.US_ASCII));
          sha.update((byte) ' ');
        }
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new TunekitException(modelDir + ": cannot read model.safetensors (" + e.getMessage() + ")");
    }
  }
}
