package dev.tunekit.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.TunekitException;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names inside an adapter are only keys: a path-like tensor name is refused, never used as a file name. */
class AdapterNamesTest {
  @TempDir Path tmp;

  @Test
  void pathLikeTensorNameIsRefusedAndWritesNothing() throws IOException {
    Path fixture = Fixtures.fixture("tiny-distilbert");
    Path adapter = Files.createDirectories(tmp.resolve("inner/adapter"));
    Files.copy(fixture.resolve("lora_adapter/adapter_config.json"), adapter.resolve("adapter_config.json"));
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    try (SafeTensors real = SafeTensors.open(fixture.resolve("lora_adapter/adapter_model.safetensors"))) {
      for (String name : real.entries().keySet()) {
        tensors.put(name, real.tensor(name));
      }
    }
    String hostile = "base_model.model.../../../escaped.weight";
    tensors.put(hostile, Tensor.create(new float[] {1f}, 1));
    SafeTensorsWriter.write(adapter.resolve("adapter_model.safetensors"), tensors, Map.of("format", "pt"));

    TunekitException e = assertThrows(TunekitException.class, () -> LoraModel.load(fixture.resolve("model"), adapter));
    assertEquals(adapter.resolve("adapter_model.safetensors") + ": unexpected tensor '" + hostile + "'; the adapter's "
        + "config does not describe its weights, or it was trained on another model", e.getMessage());
    try (Stream<Path> all = Files.walk(tmp)) {
      assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith("escaped")), "no file by that name");
    }
  }
}
