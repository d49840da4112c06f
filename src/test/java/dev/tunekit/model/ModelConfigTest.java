package dev.tunekit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json inputs that once escaped as crashes or huge allocations (found while fuzzing). */
class ModelConfigTest {
  @TempDir Path dir;

  String fails(String json) throws IOException {
    Files.writeString(dir.resolve("config.json"), json);
    return assertThrows(TunekitException.class, () -> ModelConfig.read(dir)).getMessage();
  }

  @Test
  void jsonBeyondJacksonsLimitsIsAnErrorNamingTheFile() throws IOException {
    // Jackson reports its nesting and number-length limits without a location; reading the
    // location's line number used to throw a NullPointerException.
    String deep = "{\"model_type\": \"bert\", \"x\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
    String line = fails(deep);
    assertTrue(line.startsWith(dir.resolve("config.json") + ": invalid JSON (") && line.endsWith("; fix config.json"), line);
    line = fails("{\"model_type\": \"bert\", \"vocab_size\": 1" + "0".repeat(2000) + "}");
    assertTrue(line.startsWith(dir.resolve("config.json") + ":1: invalid JSON (")
        || line.startsWith(dir.resolve("config.json") + ": invalid JSON ("), line);
  }

  @Test
  void absurdLabelCountIsRefusedBeforeAllocatingNames() throws IOException {
    // num_labels used to size a list of "LABEL_i" names: 2^31-1 of them ran the JVM out of memory.
    assertEquals(dir.resolve("config.json") + ": \"num_labels\" is 2147483647 but must be at most 100000; fix "
        + "config.json", fails("{\"model_type\": \"distilbert\", \"num_labels\": 2147483647}"));
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"distilbert\", \"num_labels\": 100000}");
    assertEquals(100_000, ModelConfig.read(dir).labels().count());
  }

  @Test
  void invalidUtf8IsAnErrorNamingTheFile() throws IOException {
    Files.write(dir.resolve("config.json"), new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
    String line = assertThrows(TunekitException.class, () -> ModelConfig.read(dir)).getMessage();
    assertTrue(line.startsWith(dir.resolve("config.json") + ":1: invalid JSON (") && line.contains("UTF-8"), line);
  }
}
