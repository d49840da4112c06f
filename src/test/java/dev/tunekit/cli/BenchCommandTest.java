package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * With --reference each mode's PyTorch run follows tunekit's own at once (same host state for
   * both halves of a ratio), once per round; ratios are tunekit's rate over the reference's.
   * A stand-in script plays the reference: it logs the modes it was asked for and reports 5 samples/s.
   */
  @Test
  void referenceRunsRightAfterEachModeInEveryRound() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "the reference runs /usr/bin/python3");
    Path log = tmp.resolve("reference.log");
    Path shared = tmp.resolve("shared");
    Files.createDirectories(shared.resolve("reference"));
    Files.writeString(shared.resolve("reference/bench_distilbert.py"), String.join("\n",
        "import sys",
        "modes = sys.argv[sys.argv.index('--modes') + 1]",
        "open(" + pythonString(log) + ", 'a').write(modes + '\\n')",
        "for m in modes.split(','):",
        "    print('dyn    %-13s     5.0 samples/s (p25-p75 4.9-5.1)' % m)",
        ""));
    Path json = tmp.resolve("bench.json");
    CliErrorsTest.Run r = CliErrorsTest.tunekit("bench", "--model", Fixtures.fixture("tiny-bert").resolve("model").toString(),
        "--mode", "forward,lora", "--precision", "fp32", "--steps", "2", "--warmup", "1", "--rounds", "2",
        "--reference", "--shared", shared.toString(), "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("infer_fp32", "lora_fp32", "infer_fp32", "lora_fp32"), Files.readAllLines(log));
    JsonNode forward = new ObjectMapper().readTree(json.toFile()).get("forward.fp32");
    assertEquals(5.0, forward.get("reference_samples_per_second").asDouble());
    assertEquals(2, forward.get("rounds").size());
    for (JsonNode round : forward.get("rounds")) {
      assertEquals(round.get("samples_per_second").asDouble() / 5.0, round.get("ratio").asDouble(), 1e-9);
    }
    assertTrue(r.out().contains("medians of 2 rounds"), r.out());
  }

  private static String pythonString(Path p) {
    return "'" + p.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
