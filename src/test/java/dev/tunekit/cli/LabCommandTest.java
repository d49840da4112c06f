package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lab --quick} on the tiny DistilBERT and a slice of Rotten Tomatoes. */
class LabCommandTest {
  @TempDir Path tmp;

  @Test
  void quickLabWritesTheReportPlotsAndMetricsItPrinted() throws Exception {
    Path out = tmp.resolve("lab");
    CliErrorsTest.Run r = CliErrorsTest.tunekit("lab", "--model", Fixtures.fixture("tiny-distilbert").resolve("model").toString(),
        "--data", Fixtures.shared().resolve("data/rotten_tomatoes").toString(), "--quick", "--max-train-samples", "64",
        "--max-eval-samples", "40", "--out", out.toString(), "--no-progress");
    assertEquals(0, r.code(), r.err());
    for (String png : new String[] {"loss.png", "accuracy.png", "methods.png", "confusion_svm.png", "confusion_finetune.png",
        "confusion_lora.png"}) {
      byte[] head = Files.readAllBytes(out.resolve(png));
      assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', png + " is a PNG");
    }
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    String report = Files.readString(out.resolve("report.md"));
    for (String method : new String[] {"svm", "finetune", "lora"}) {
      JsonNode s = m.get("methods").get(method);
      for (String key : new String[] {"trainable_params", "wall_seconds", "samples_per_second", "peak_rss_mb"}) {
        assertTrue(s.has(key), method + " " + key);
      }
      String row = String.format("| %s | %.4f | %.4f | %.4f | %,d |", method, s.get("validation").get("accuracy").asDouble(),
          s.get("test").get("accuracy").asDouble(), s.get("test").get("f1").asDouble(), s.get("trainable_params").asLong());
      assertTrue(r.out().contains(row), "printed: " + row + "\n" + r.out());
      assertTrue(report.contains(row), "in report.md: " + row);
    }
    assertEquals(1, m.get("methods").get("finetune").get("epochs").size());
    assertTrue(!m.get("methods").get("svm").has("epochs"));
    assertTrue(Files.isRegularFile(out.resolve("finetune/model.safetensors")));
    assertTrue(Files.isRegularFile(out.resolve("lora/adapter_model.safetensors")));
    assertTrue(Files.isRegularFile(out.resolve("svm/classifier.json")));
    assertTrue(report.contains("![loss per epoch](loss.png)"));
  }
}
