package dev.tunekit.peft;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/** adapter_config.json: the rank that sizes the adapter matrices stays within bounds. */
class LoraConfigFuzzTest {
  static Stream<byte[]> seeds() {
    return Fuzz.shared("fixtures/tiny-distilbert/lora_adapter/adapter_config.json",
        "fixtures/tiny-bert/lora_adapter/adapter_config.json");
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void read(byte[] input) {
    Path dir = Fuzz.write("adapter/adapter_config.json", input).getParent();
    Fuzz.parse(() -> {
      LoraConfig c = LoraConfig.read(dir);
      assertTrue(c.r() >= 1 && c.r() <= LoraConfig.MAX_RANK, "rank within bounds: " + c.r());
      assertTrue(Double.isFinite(c.scaling()), "finite scaling");
    });
  }
}
