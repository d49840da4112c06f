package dev.tunekit.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.Fixtures;
import dev.tunekit.data.Split;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.AutoModel;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrozenFeaturesTest {
  @TempDir Path tmp;

  @Test
  void clsFeaturesAreTheReferenceHiddenStateAndTheCacheSkipsTheEncoder() {
    Path model = Fixtures.fixture("tiny-distilbert").resolve("model");
    JsonNode inputs = Fixtures.json(Fixtures.fixture("tiny-distilbert").resolve("expected.json")).get("inputs");
    List<String> texts = new ArrayList<>();
    inputs.get("texts").forEach(t -> texts.add(t.asText()));
    FeatureExtractor fx = FeatureExtractor.load(model).batchSize(3);
    TokenizedSplit split = TokenizedSplit.of(new Split("train", texts, new int[texts.size()]), fx.tokenizer());
    FeatureCache cache = new FeatureCache(tmp);
    float[][] first = cache.features(fx, model, split, Pooling.CLS);
    long passes = fx.passes();
    assertTrue(passes > 0);
    try (SafeTensors expected = Fixtures.expected("tiny-distilbert")) {
      float[] hidden = Tensors.toFloats(expected.tensor("eval.last_hidden_state"));
      long[] shape = expected.entry("eval.last_hidden_state").shape();
      int t = (int) shape[1];
      int h = (int) shape[2];
      for (int i = 0; i < texts.size(); i++) {
        for (int j = 0; j < h; j++) {
          float want = hidden[i * t * h + j];
          assertEquals(want, first[i][j], 1e-4 + 1e-4 * Math.abs(want), "text " + i + " dim " + j);
        }
      }
    }
    float[][] second = cache.features(fx, model, split, Pooling.CLS);
    assertEquals(passes, fx.passes(), "cache hit: no encoder pass");
    for (int i = 0; i < first.length; i++) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(first[i], second[i]);
    }
    cache.features(fx, model, split, Pooling.MEAN);
    assertTrue(fx.passes() > passes, "another pooling misses the cache");
    assertEquals(AutoModel.config(model).hiddenSize(), first[0].length);
  }
}
