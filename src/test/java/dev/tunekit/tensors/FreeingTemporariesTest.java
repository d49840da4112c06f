package dev.tunekit.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.Fixtures;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.model.Weights;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Collection;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FreeingTemporariesTest {
  /** The handles a scope holds (JavaCPP keeps them in a package-private deque). */
  private static int held(PointerScope scope) throws ReflectiveOperationException {
    Field f = PointerScope.class.getDeclaredField("pointerStack");
    f.setAccessible(true);
    return ((Collection<?>) f.get(scope)).size();
  }

  @Test
  void resultMovesToTheCallersScopeAndTemporariesAreFreed() throws ReflectiveOperationException {
    Tensor kept;
    try (PointerScope outer = new PointerScope()) {
      Tensor x = torch.ones(3);
      int before = held(outer);
      kept = Tensors.freeingTemporaries(() -> x.add(x).mul(x).sub(x).exp());
      assertEquals(before + 1, held(outer), "only the result joins the caller's scope");
      assertEquals(Math.exp(1), Tensors.toFloats(kept)[0], 1e-6);
    }
    assertTrue(kept.isNull(), "and is freed with it");
  }

  /**
   * A forward pass under one scope (what every caller does per batch) leaves in that scope one
   * handle per layer (its output, the next layer's input), not the layer's intermediates (dozens
   * each; together the memory of the whole forward pass at once) waiting for the scope to close.
   */
  @ParameterizedTest
  @CsvSource({"tiny-distilbert, n_layers", "tiny-bert, num_hidden_layers"})
  void callersScopeHoldsNoLayerIntermediates(String fixture, String layersKey) throws ReflectiveOperationException {
    int two = handlesAfterForward(fixture, layersKey, 2);
    int six = handlesAfterForward(fixture, layersKey, 6);
    assertTrue(six - two <= 4, fixture + ", 2 layers: " + two + " handles, 6 layers: " + six);
  }

  private static int handlesAfterForward(String fixture, String layersKey, int layers) throws ReflectiveOperationException {
    ModelConfig tiny = AutoModel.config(Fixtures.fixture(fixture).resolve("model"));
    ObjectNode json = tiny.json().deepCopy().put(layersKey, layers);
    ModelConfig config = ModelConfig.parse(json, Path.of("<" + fixture + ", " + layers + " layers>"));
    SequenceClassifier model = AutoModel.newClassifier(Weights.fresh(config), config);
    model.train(false);
    Tensor ids = Tensor.create(new long[] {101, 2000, 2001, 2002, 102, 101, 2003, 102, 0, 0}, 2, 5);
    Tensor mask = ids.ne(new Scalar(0)).to(torch.ScalarType.Long);
    try (InferenceMode im = new InferenceMode(); PointerScope outer = new PointerScope()) {
      int before = held(outer);
      model.logits(ids, mask);
      return held(outer) - before;
    }
  }
}
