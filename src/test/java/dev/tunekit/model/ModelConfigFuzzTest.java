package dev.tunekit.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/** config.json: any bytes give a config within bounds or a one-line error naming the file. */
class ModelConfigFuzzTest {
  static Stream<byte[]> seeds() {
    return Fuzz.shared("fixtures/tiny-distilbert/model/config.json", "fixtures/tiny-bert/model/config.json",
        "models/all-MiniLM-L6-v2/config.json");
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void read(byte[] input) {
    Path dir = Fuzz.write("model/config.json", input).getParent();
    Fuzz.parse(() -> {
      ModelConfig c = ModelConfig.read(dir);
      assertTrue(c.labels().count() >= 1 && c.labels().count() <= ConfigJson.MAX_LABELS, "labels within bounds");
      assertTrue(c.hiddenSize() > 0 && c.numHeads() > 0 && c.hiddenSize() % c.numHeads() == 0, "heads divide the width");
    });
  }
}
