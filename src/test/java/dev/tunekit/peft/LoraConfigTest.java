package dev.tunekit.peft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** adapter_config.json values that size allocations or break messages are checked where they are read. */
class LoraConfigTest {
  @TempDir Path dir;

  String fails(String json) throws IOException {
    Files.writeString(dir.resolve("adapter_config.json"), json);
    return assertThrows(TunekitException.class, () -> LoraConfig.read(dir)).getMessage();
  }

  String withField(String field, String value) throws IOException {
    String real = Files.readString(Fixtures.fixture("tiny-bert").resolve("lora_adapter/adapter_config.json"));
    return real.replaceFirst("\"" + field + "\": [^,\\n]+", "\"" + field + "\": " + value);
  }

  @Test
  void rankThatWouldAllocateGigabytesIsRefused() throws IOException {
    // r sizes the A [r, in] and B [out, r] matrices, allocated before any weight is compared.
    assertEquals(dir.resolve("adapter_config.json") + ": r is 2147483647 but must be an integer from 1 to 4096",
        fails(withField("r", "2147483647")));
    assertTrue(fails(withField("r", "1e10")).contains("r is 1.0E10 but must be an integer"));
    assertTrue(fails(withField("r", "\"8\"")).contains("r is \"8\" but must be an integer"));
  }

  @Test
  void badValuesNameTheFile() throws IOException {
    assertEquals(dir.resolve("adapter_config.json") + ": lora_dropout must be in [0, 1), got 1.5",
        fails(withField("lora_dropout", "1.5")));
    assertTrue(fails(withField("lora_alpha", "\"big\"")).endsWith("lora_alpha is \"big\" but must be a number"));
  }

  @Test
  void invalidJsonIsOneLineWithItsLine() throws IOException {
    // Jackson's own message spans two lines ("... at [Source: ...]"); the error names file:line instead.
    String line = fails("{\n  \"peft_type\": \"LORA\",\n  \"r\": ,\n}");
    assertTrue(line.startsWith(dir.resolve("adapter_config.json") + ":3: invalid JSON ("), line);
    assertEquals(1, line.lines().count(), line);
  }
}
