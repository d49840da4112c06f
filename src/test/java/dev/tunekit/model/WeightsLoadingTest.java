package dev.tunekit.model;

import static dev.tunekit.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.Log;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.SafeTensorsWriter;
import dev.tunekit.tensors.Tensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints that differ from the model's layout load as HF loads them. */
class WeightsLoadingTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void captureLog() {
    Log.setStream(new PrintStream(log, true));
  }

  @AfterEach
  void restoreLog() {
    Log.setStream(System.err);
  }

  /** The tiny DistilBERT folder with its checkpoint rewritten: keys renamed or dropped (null). */
  Path rewritten(String fixture, Function<String, String> rename) throws IOException {
    Path src = Fixtures.fixture(fixture).resolve("model");
    Path dst = tmp.resolve(fixture);
    Files.createDirectories(dst);
    for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
      Files.copy(src.resolve(f), dst.resolve(f));
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (SafeTensors st = SafeTensors.open(src.resolve("model.safetensors"))) {
      for (String name : st.entries().keySet()) {
        String to = rename.apply(name);
        if (to != null) {
          out.put(to, st.tensor(name));
        }
      }
    }
    SafeTensorsWriter.write(dst.resolve("model.safetensors"), out, Map.of("format", "pt"));
    return dst;
  }

  Tensor hidden(SequenceClassifier model, String fixture) {
    try (SafeTensors expected = Fixtures.expected(fixture); InferenceMode g = new InferenceMode()) {
      model.train(false);
      return model.encoder().forward(expected.tensor("input_ids"), expected.tensor("attention_mask")).clone();
    }
  }

  @Test
  void bareEncoderCheckpointGetsAFreshHeadAndOneWarning() throws IOException {
    Path dir = rewritten("tiny-distilbert",
        n -> n.startsWith("distilbert.") ? n.substring("distilbert.".length()) : null);
    SequenceClassifier model = AutoModel.classifier(dir);
    try (SafeTensors expected = Fixtures.expected("tiny-distilbert")) {
      assertClose(hidden(model, "tiny-distilbert"), expected.tensor("eval.last_hidden_state"), 1e-4, 1e-4, "encoder");
    }
    String warning = log.toString().strip();
    assertEquals(1, warning.lines().count(), warning);
    assertTrue(warning.contains("4 weights") && warning.contains("pre_classifier.weight")
        && warning.contains("classifier.bias") && warning.contains("newly initialised"), warning);
    // HF's _init_weights: Linear weight ~ N(0, initializer_range), bias 0.
    float[] w = Tensors.toFloats(model.parameters().get("pre_classifier.weight"));
    double sq = 0;
    for (float v : w) {
      sq += v * v;
    }
    double std = Math.sqrt(sq / w.length);
    assertTrue(Math.abs(std - 0.02) < 0.003, "std " + std);
    for (float b : Tensors.toFloats(model.parameters().get("classifier.bias"))) {
      assertEquals(0f, b);
    }
  }

  @Test
  void encoderLoadsFromATaskCheckpoint() {
    Encoder encoder = AutoModel.encoder(Fixtures.fixture("tiny-bert").resolve("model"));
    assertTrue(encoder.parameters().containsKey("embeddings.word_embeddings.weight"));
    assertEquals("", log.toString().strip(), "the head is simply not needed: no warning");
  }

  @Test
  void encoderOfAClassifierNamesItsWeightsLikeASubmoduleStateDict() {
    SequenceClassifier model = AutoModel.classifier(Fixtures.fixture("tiny-distilbert").resolve("model"));
    Map<String, Tensor> encoder = model.encoder().parameters();
    assertTrue(encoder.containsKey("embeddings.word_embeddings.weight"));
    assertTrue(encoder.keySet().stream().noneMatch(k -> k.startsWith("distilbert.") || k.contains("classifier")));
    assertEquals(model.parameters().size() - 4, encoder.size(), "all but pre_classifier and classifier");
  }

  @Test
  void legacyGammaBetaNamesLoad() throws IOException {
    Path dir = rewritten("tiny-bert", n -> n.replace("LayerNorm.weight", "LayerNorm.gamma")
        .replace("LayerNorm.bias", "LayerNorm.beta"));
    SequenceClassifier model = AutoModel.classifier(dir);
    try (SafeTensors expected = Fixtures.expected("tiny-bert")) {
      assertClose(hidden(model, "tiny-bert"), expected.tensor("eval.last_hidden_state"), 1e-4, 1e-4, "encoder");
    }
    assertEquals("", log.toString().strip());
  }

  @Test
  void miniLmIntoClassifierInitialisesPoolerAndHead() {
    SequenceClassifier model = AutoModel.classifier(Fixtures.miniLm());
    String warning = log.toString().strip();
    assertTrue(warning.contains("bert.pooler.dense.weight") && warning.contains("classifier.weight"), warning);
    assertEquals(2, model.config().labels().count(), "HF's default: 2 labels");
  }

  @Test
  void savedParametersLoadBackToIdenticalLogits() throws IOException {
    SequenceClassifier model = AutoModel.classifier(Fixtures.fixture("tiny-bert").resolve("model"));
    Path dir = rewritten("tiny-bert", n -> n);
    SafeTensorsWriter.write(dir.resolve("model.safetensors"), model.parameters(), Map.of("format", "pt"));
    SequenceClassifier again = AutoModel.classifier(dir);
    try (SafeTensors expected = Fixtures.expected("tiny-bert"); InferenceMode g = new InferenceMode()) {
      model.train(false);
      again.train(false);
      Tensor ids = expected.tensor("input_ids");
      Tensor mask = expected.tensor("attention_mask");
      assertClose(again.logits(ids, mask), model.logits(ids, mask), 0, 0, "reloaded logits");
    }
  }
}
