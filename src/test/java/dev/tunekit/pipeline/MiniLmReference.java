package dev.tunekit.pipeline;

import static dev.tunekit.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.Fixtures;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The all-MiniLM-L6-v2 fixture checks, for any folder that claims to hold that model: token ids
 * equal HF's fast tokenizer's (control characters, accents, CJK, an empty string, a text past 512
 * tokens), and [CLS] / mean vectors equal the float64 PyTorch reference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class MiniLmReference {
  FeatureExtractor extractor;
  JsonNode json;
  final List<String> texts = new ArrayList<>();

  /** The model folder under test. */
  protected abstract Path model();

  @BeforeAll
  public void load() {
    extractor = FeatureExtractor.load(model());
    json = Fixtures.json(Fixtures.fixture("minilm").resolve("expected.json"));
    json.get("texts").forEach(t -> texts.add(t.asText()));
  }

  @AfterAll
  public void close() {
    if (extractor != null) {
      extractor.close();
    }
  }

  @Test
  public void tokenIdsEqualPython() {
    List<long[]> ids = extractor.tokenizer().encode(texts);
    try (SafeTensors expected = Fixtures.expected("minilm")) {
      long[] all = Tensors.toLongs(expected.tensor("input_ids"));
      int width = (int) expected.entry("input_ids").shape()[1];
      for (int i = 0; i < texts.size(); i++) {
        int length = json.get("lengths").get(i).asInt();
        long[] want = Arrays.copyOfRange(all, i * width, i * width + length);
        assertArrayEquals(want, ids.get(i), "text " + i + ": " + texts.get(i));
      }
    }
    assertEquals(512, extractor.tokenizer().maxLength());
  }

  @Test
  public void clsAndMeanVectorsMatchReference() {
    try (SafeTensors expected = Fixtures.expected("minilm")) {
      for (Pooling pooling : Pooling.values()) {
        String key = pooling.name().toLowerCase();
        float[][] vectors = extractor.batchSize(4).embed(texts, pooling);
        double[] tol = Fixtures.tolerance(json, key);
        Tensor actual = Tensor.create(flatten(vectors), vectors.length, vectors[0].length);
        assertClose(actual, expected.tensor(key), tol[0], tol[1], "minilm " + key);
      }
    }
  }

  static float[] flatten(float[][] m) {
    float[] out = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
    }
    return out;
  }
}
