package dev.tunekit.model;

import static dev.tunekit.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.Fixtures;
import dev.tunekit.tensors.SafeTensors;
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
    JsonNode json = Fixtures.json(Fixtures.fixture(name).resolve("expected.json"));
    SequenceClassifier model = AutoModel.classifier(Fixtures.fixture(name).resolve("model"));
    model.train(false); // dropout off, as in the reference; autograd works the same
    for (Tensor p : model.parameters().values()) {
      p.set_requires_grad(true);
    }
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
