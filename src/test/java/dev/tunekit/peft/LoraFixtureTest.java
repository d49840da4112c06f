package dev.tunekit.peft;

import static dev.tunekit.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.Fixtures;
import dev.tunekit.bench.Shapes;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.Labels;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.train.ParameterGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** LoRA against the PyTorch reference (PEFT semantics) and PEFT's file format. */
class LoraFixtureTest {
  @TempDir Path tmp;

  static Path model(String name) {
    return Fixtures.fixture(name).resolve("model");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny-distilbert", "tiny-bert"})
  void logitsLossAndGradientsMatchReference(String name) {
    JsonNode json = Fixtures.json(Fixtures.fixture(name).resolve("expected.json"));
    LoraModel lora = LoraModel.load(model(name), Fixtures.fixture(name).resolve("lora_adapter"));
    assertEquals(json.get("lora").get("trainable_parameters").asLong(),
        lora.trainable().values().stream().mapToLong(Tensor::numel).sum(), "trainable parameters");
    lora.train(false);
    ParameterGroup.forTraining(lora.trainable(), lora.noDecay(), 0.0); // requires grad, flat grads
    try (SafeTensors expected = Fixtures.expected(name)) {
      Tensor logits = lora.logits(expected.tensor("input_ids"), expected.tensor("attention_mask"));
      double[] tol = Fixtures.tolerance(json, "lora.logits");
      assertClose(logits, expected.tensor("lora.logits"), tol[0], tol[1], "lora logits");
      Tensor loss = torch.cross_entropy(logits, expected.tensor("labels"));
      tol = Fixtures.tolerance(json, "lora.loss");
      assertClose(loss.reshape(1), expected.tensor("lora.loss"), tol[0], tol[1], "lora loss");
      loss.backward();
      tol = Fixtures.tolerance(json, "lora.grad");
      for (Map.Entry<String, Tensor> p : lora.trainable().entrySet()) {
        assertClose(p.getValue().grad(), expected.tensor("grad." + LoraModel.PREFIX + p.getKey()), tol[0], tol[1],
            "grad " + p.getKey());
      }
    }
  }

  @Test
  void saveLoadAndMergeKeepTheLogits() {
    String name = "tiny-distilbert";
    LoraModel lora = LoraModel.load(model(name), Fixtures.fixture(name).resolve("lora_adapter"));
    Path saved = tmp.resolve("adapter");
    lora.save(saved, model(name).toString());
    LoraModel again = LoraModel.load(model(name), saved);
    Path merged = tmp.resolve("merged");
    lora.saveMerged(model(name), merged);
    SequenceClassifier plain = AutoModel.classifier(merged);
    try (SafeTensors expected = Fixtures.expected(name); InferenceMode g = new InferenceMode()) {
      Tensor ids = expected.tensor("input_ids");
      Tensor mask = expected.tensor("attention_mask");
      lora.train(false);
      again.train(false);
      plain.train(false);
      Tensor want = lora.logits(ids, mask);
      assertClose(again.logits(ids, mask), want, 0, 0, "reloaded adapter");
      assertClose(plain.logits(ids, mask), want, 1e-5, 1e-5, "merged model");
      assertClose(want, expected.tensor("lora.logits"), 1e-4, 1e-4, "fixture");
    }
    assertTrue(Files.isRegularFile(saved.resolve("adapter_config.json")));
    try (SafeTensors st = SafeTensors.open(saved.resolve("adapter_model.safetensors"));
        SafeTensors python = SafeTensors.open(Fixtures.fixture(name).resolve("lora_adapter/adapter_model.safetensors"))) {
      assertEquals(python.entries().keySet(), st.entries().keySet(), "PEFT's key names, nothing more or less");
    }
    LoraConfig cfg = LoraConfig.read(saved);
    assertEquals(List.of("q_lin", "v_lin"), cfg.targetModules());
    assertEquals(2.0, cfg.scaling());
  }

  @Test
  void printTrainableParametersLikePeftOnDistilbertBase() {
    var config = Shapes.distilbertBase().withLabels(Labels.generic(2));
    LoraModel lora = LoraModel.fresh(config, LoraConfig.of(8, 16, 0.1));
    assertEquals("trainable params: 739,586 || all params: 67,694,596 || trainable%: 1.0925", lora.trainableSummary());
    assertTrue(lora.trainable().containsKey("pre_classifier.weight"), "PEFT's suffix match catches pre_classifier");
    LoraModel whole = LoraModel.fresh(config, LoraConfig.of(8, 16, 0.1).withSuffixMatching(false));
    assertTrue(!whole.trainable().containsKey("pre_classifier.weight"), "whole-name matching does not");
  }

  @Test
  void freshPoolerTrainsUnlessPeftCompat() {
    Labels labels = new Labels(List.of("neg", "pos"));
    torch.manual_seed(1);
    LoraModel ours = LoraModel.create(Fixtures.miniLm(), labels, LoraConfig.of(8, 16, 0.1), false, false);
    assertTrue(ours.trainable().containsKey("bert.pooler.dense.weight"));
    assertTrue(ours.loraConfig().modulesToSave().contains("pooler"));
    LoraModel peft = LoraModel.create(Fixtures.miniLm(), labels, LoraConfig.of(8, 16, 0.1), false, true);
    assertTrue(!peft.trainable().containsKey("bert.pooler.dense.weight"));
    // PEFT's count for this model (../shared/reference/RESULTS.md): trainable 74,498 || all 22,788,484
    assertTrue(peft.trainableSummary().startsWith("trainable params: 74,498 || all params: 22,788,484"), peft.trainableSummary());
  }
}
