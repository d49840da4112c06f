package dev.tunekit.model;

import static dev.tunekit.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.Fixtures;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.train.ParameterGroup;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autograd through the whole model (fused attention included): the mean cross-entropy and the
 * gradient of every parameter equal the PyTorch reference's (dropout off).
 */
class FixtureGradientTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny-distilbert", "tiny-bert"})
  void lossAndEveryGradientMatchReference(String name) {
    SequenceClassifier model = AutoModel.classifier(Fixtures.fixture(name).resolve("model"));
    for (Tensor p : model.parameters().values()) {
      p.set_requires_grad(true);
    }
    checkGradients(name, model);
  }

  /**
   * The trainer's way: gradients accumulate into existing flat buffers, where the embedding
   * tables receive row-sparse gradients (no dense temporary). Same values, pad row included.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tiny-distilbert", "tiny-bert"})
  void gradientsAccumulatedIntoTrainerBuffersMatchReference(String name) {
    SequenceClassifier model = AutoModel.classifier(Fixtures.fixture(name).resolve("model"));
    List<ParameterGroup> groups = ParameterGroup.forTraining(model.parameters(), model.noDecay(), 0.01);
    Tensor before = groups.get(0).grad().clone();
    checkGradients(name, model);
    assertEquals(0.0, before.abs().sum().item_double(), "the buffers started at zero");
    assertTrue(model.parameters().values().stream().noneMatch(p -> p.grad().is_sparse()),
        "every .grad stays a dense view into the flat buffer");
  }

  private static void checkGradients(String name, SequenceClassifier model) {
    JsonNode json = Fixtures.json(Fixtures.fixture(name).resolve("expected.json"));
    model.train(false); // dropout off, as in the reference; autograd works the same
    try (SafeTensors expected = Fixtures.expected(name)) {
      Tensor logits = model.logits(expected.tensor("input_ids"), expected.tensor("attention_mask"));
      Tensor loss = torch.cross_entropy(logits, expected.tensor("labels"));
      double[] tol = Fixtures.tolerance(json, "train.loss");
      assertClose(loss.reshape(1), expected.tensor("train.loss"), tol[0], tol[1], name + " loss");
      loss.backward();
      tol = Fixtures.tolerance(json, "grad");
      int checked = 0;
      for (Map.Entry<String, Tensor> p : model.parameters().entrySet()) {
        assertClose(p.getValue().grad(), expected.tensor("grad." + p.getKey()), tol[0], tol[1], name + " grad " + p.getKey());
        checked++;
      }
      long inFixture = expected.entries().keySet().stream()
          .filter(k -> k.startsWith("grad.") && !k.startsWith("grad.base_model.")).count();
      assertEquals(inFixture, checked, "every parameter's gradient is checked");
    }
  }
}
