package dev.tunekit.model;

import static dev.tunekit.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.Fixtures;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.Tensors;
import dev.tunekit.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tiny random DistilBERT and BERT checkpoints against an independent PyTorch implementation
 * (float64 reference, padded batch, eval mode), within the fixtures' recommended tolerances.
 */
class FixtureForwardTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny-distilbert", "tiny-bert"})
  void evalForwardMatchesReference(String name) {
    Path dir = Fixtures.fixture(name).resolve("model");
    JsonNode json = Fixtures.json(Fixtures.fixture(name).resolve("expected.json"));
    SequenceClassifier model = AutoModel.classifier(dir);
    model.train(false);
    try (SafeTensors expected = Fixtures.expected(name); InferenceMode guard = new InferenceMode()) {
      Tensor ids = expected.tensor("input_ids");
      Tensor mask = expected.tensor("attention_mask");
      double[] tol = Fixtures.tolerance(json, "eval.last_hidden_state");
      Tensor hidden = model.encoder().forward(ids, mask);
      assertClose(hidden, expected.tensor("eval.last_hidden_state"), tol[0], tol[1], name + " last_hidden_state");
      // The first-token path computes the last layer for [CLS] only; it must be the same state.
      assertClose(model.encoder().firstToken(ids, mask), expected.tensor("eval.last_hidden_state").select(1, 0),
          tol[0], tol[1], name + " first token of last_hidden_state");
      tol = Fixtures.tolerance(json, "eval.logits");
      assertClose(model.logits(ids, mask), expected.tensor("eval.logits"), tol[0], tol[1], name + " logits");
      if (model instanceof Bert.ForSequenceClassification bert) {
        tol = Fixtures.tolerance(json, "eval.pooler_output");
        assertClose(bert.encoder().pool(hidden.select(1, 0)), expected.tensor("eval.pooler_output"), tol[0], tol[1], "pooler_output");
      }
    }
  }

  /** bf16 autocast: a looser bound; the max error is printed for the record. */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-distilbert", "tiny-bert"})
  void bf16AutocastStaysClose(String name) {
    SequenceClassifier model = AutoModel.classifier(Fixtures.fixture(name).resolve("model"));
    model.train(false);
    try (SafeTensors expected = Fixtures.expected(name); InferenceMode guard = new InferenceMode();
        Precision.Region bf16 = Precision.BF16.enter()) {
      Tensor ids = expected.tensor("input_ids");
      Tensor mask = expected.tensor("attention_mask");
      double hiddenErr = assertClose(model.encoder().forward(ids, mask),
          expected.tensor("eval.last_hidden_state"), 0.15, 0.05, name + " bf16 last_hidden_state");
      double logitsErr = assertClose(model.logits(ids, mask), expected.tensor("eval.logits"), 0.05, 0.05,
          name + " bf16 logits");
      System.out.printf("%s bf16 autocast max |error|: last_hidden_state %.4f, logits %.4f%n", name, hiddenErr, logitsErr);
    }
  }

  /** Our tokenizer reproduces the fixture's ids from its texts (HF fast tokenizer, [CLS] ... [SEP]). */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-distilbert", "tiny-bert"})
  void tokenizerGivesFixtureIds(String name) {
    Path dir = Fixtures.fixture(name).resolve("model");
    JsonNode inputs = Fixtures.json(Fixtures.fixture(name).resolve("expected.json")).get("inputs");
    ModelConfig config = AutoModel.config(dir);
    try (Tokenizer tokenizer = AutoModel.tokenizer(dir, config)) {
      List<String> texts = new ArrayList<>();
      inputs.get("texts").forEach(t -> texts.add(t.asText()));
      List<long[]> ids = tokenizer.encode(texts);
      for (int i = 0; i < texts.size(); i++) {
        JsonNode row = inputs.get("input_ids").get(i);
        int length = inputs.get("lengths") != null ? inputs.get("lengths").get(i).asInt() : ids.get(i).length;
        long[] want = new long[length];
        for (int j = 0; j < length; j++) {
          want[j] = row.get(j).asLong();
        }
        assertArrayEquals(want, ids.get(i), name + " text " + i);
      }
      assertTrue(tokenizer.maxLength() <= config.maxPositions());
    }
  }

  @org.junit.jupiter.api.Test
  void inputLongerThanThePositionsIsAClearError() {
    SequenceClassifier model = AutoModel.classifier(Fixtures.fixture("tiny-bert").resolve("model"));
    long[][] ids = new long[1][41]; // tiny-bert has 40 positions
    java.util.Arrays.fill(ids[0], 1000);
    Tensor t = dev.tunekit.tensors.Tensors.longs(ids);
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.tunekit.TunekitException.class,
        () -> model.logits(t, t.ne(new org.bytedeco.pytorch.Scalar(0)).to(org.bytedeco.pytorch.global.torch.ScalarType.Long)));
    assertTrue(e.getMessage().contains("41 tokens is longer than the model's 40 positions"), e.getMessage());
  }

  static float[] floats(Tensor t) {
    return Tensors.toFloats(t);
  }
}
