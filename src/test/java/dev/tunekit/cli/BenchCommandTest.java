package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark command runs every mode and writes its JSON (figures only; no timing is asserted). */
class BenchCommandTest {
  @TempDir Path tmp;

  @Test
  void everyModeOnATinyShape() throws Exception {
    Path json = tmp.resolve("bench.json");
    CliErrorsTest.Run r = CliErrorsTest.tunekit("bench", "--model", Fixtures.fixture("tiny-bert").resolve("model").toString(),
        "--mode", "forward,finetune,lora", "--precision", "fp32", "--steps", "2", "--warmup", "1", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    for (String key : new String[] {"forward.fp32", "finetune.fp32", "lora.fp32"}) {
      for (String field : new String[] {"samples_per_second", "gflops", "ceiling_share", "peak_rss_mb"}) {
        assertTrue(j.get(key).get(field).asDouble() > 0, key + " " + field);
      }
    }
    assertTrue(j.get("ceiling.fp32").get("gflops").asDouble() > 0);
  }
}
