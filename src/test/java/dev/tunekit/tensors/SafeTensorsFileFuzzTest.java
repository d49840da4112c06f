package dev.tunekit.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A whole .safetensors file, opened and every tensor read into libtorch: no exception but
 * TunekitException, and no tensor larger than the file it came from.
 */
class SafeTensorsFileFuzzTest {
  /** libtorch loads once, before the per-input timeout starts counting. */
  @BeforeAll
  static void startEngine() {
    Engine.start();
  }

  static Stream<byte[]> seeds() {
    return Fuzz.shared("fixtures/tiny-bert/lora_adapter/adapter_model.safetensors",
        "fixtures/tiny-distilbert/lora_adapter/adapter_model.safetensors");
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void openAndReadEveryTensor(byte[] input) {
    Path file = Fuzz.write("fuzz.safetensors", input);
    Fuzz.parse(() -> {
      try (SafeTensors st = SafeTensors.open(file); PointerScope scope = new PointerScope()) {
        for (SafeTensors.Entry e : st.entries().values()) {
          assertTrue(e.byteSize() <= input.length, e.name() + " fits in the file");
          Tensor t = e.dtype().isFloatingPoint() ? st.floatTensor(e.name()) : st.tensor(e.name());
          assertEquals(e.numel(), t.numel(), e.name() + " element count");
        }
      }
    });
  }
}
