package dev.tunekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;

/** The reference data in ../shared, and comparisons with the fixtures' tolerances. */
public final class Fixtures {
  private Fixtures() {}

  public static Path shared() {
    Path p = Path.of(System.getProperty("tunekit.shared", "../shared")).toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(p), "../shared is absent: " + p);
    return p;
  }

  public static Path fixture(String name) {
    return shared().resolve("fixtures").resolve(name);
  }

  public static Path miniLm() {
    return shared().resolve("models/all-MiniLM-L6-v2");
  }

  /**
   * A slice of Rotten Tomatoes as a data folder {@code dir}: per split, the first {@code n} rows
   * (positives: RT lists them first) and the last {@code n} (negatives, from the end); {@code n}
   * is {@code trainPerLabel} for train and {@code evalPerLabel} for validation and test.
   */
  public static Path rottenTomatoesSlice(Path dir, int trainPerLabel, int evalPerLabel) throws IOException {
    Files.createDirectories(dir);
    Path rt = shared().resolve("data/rotten_tomatoes");
    for (String split : new String[] {"train", "validation", "test"}) {
      int n = split.equals("train") ? trainPerLabel : evalPerLabel;
      java.util.List<String> lines = Files.readAllLines(rt.resolve(split + ".jsonl"));
      java.util.List<String> rows = new java.util.ArrayList<>(lines.subList(0, n));
      for (int i = 1; i <= n; i++) {
        rows.add(lines.get(lines.size() - i));
      }
      Files.write(dir.resolve(split + ".jsonl"), rows);
    }
    return dir;
  }

  /** Rewrites a WordPiece tokenizer.json without {@code token} in its vocabulary (a damaged tokenizer). */
  public static void removeFromVocabulary(Path tokenizerJson, String token) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode tokenizer = json.readTree(tokenizerJson.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) tokenizer.get("model").get("vocab")).remove(token);
    json.writeValue(tokenizerJson.toFile(), tokenizer);
  }

  public static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Expected tensors of a fixture ("tiny-distilbert", "minilm"). */
  public static SafeTensors expected(String name) {
    return SafeTensors.open(fixture(name).resolve("expected.safetensors"));
  }

  /** |actual - expected| <= atol + rtol |expected| everywhere; returns the max abs difference. */
  public static double assertClose(Tensor actual, Tensor expected, double atol, double rtol, String what) {
    assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what + " shape");
    float[] a = Tensors.toFloats(actual);
    float[] e = Tensors.toFloats(expected);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      double d = Math.abs(a[i] - e[i]);
      worst = Math.max(worst, d);
      if (!(d <= atol + rtol * Math.abs(e[i]))) {
        fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (|diff| " + d + " > atol "
            + atol + " + rtol " + rtol + ")");
      }
    }
    return worst;
  }

  /** The recommended tolerance {atol, rtol} of a key group in a fixture's expected.json. */
  public static double[] tolerance(JsonNode expectedJson, String group) {
    JsonNode t = expectedJson.get("tolerance_recommended").get(group);
    return new double[] {t.get("atol").asDouble(), t.get("rtol").asDouble()};
  }
}
