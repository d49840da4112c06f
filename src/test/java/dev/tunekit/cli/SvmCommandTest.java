package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Fixtures;
import dev.tunekit.tensors.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SvmCommandTest {
  @TempDir Path tmp;

  @Test
  void svmWithACGridAndFeatureExport() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("d"));
    var rt = Fixtures.shared().resolve("data/rotten_tomatoes");
    for (String split : new String[] {"train", "validation", "test"}) {
      var lines = Files.readAllLines(rt.resolve(split + ".jsonl"));
      Files.write(data.resolve(split + ".jsonl"), java.util.List.copyOf(
          java.util.stream.Stream.concat(lines.subList(0, 20).stream(), lines.subList(lines.size() - 20, lines.size()).stream()).toList()));
    }
    String model = Fixtures.fixture("tiny-bert").resolve("model").toString();
    Path out = tmp.resolve("svm");
    CliErrorsTest.Run r = CliErrorsTest.tunekit("svm", "--model", model, "--data", data.toString(), "--pooling", "mean",
        "--c", "0.01,1", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("C grid (validation):") && r.out().contains("<- chosen"), r.out());
    JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    assertTrue(m.get("validation").has("accuracy") && m.get("test").has("f1"));
    assertEquals(2, m.get("c_grid").size());
    double best = Math.max(m.get("c_grid").get(0).get("val_accuracy").asDouble(), m.get("c_grid").get(1).get("val_accuracy").asDouble());
    assertEquals(best, m.get("validation").get("accuracy").asDouble(), 1e-12, "C chosen on validation");
    assertTrue(Files.isRegularFile(out.resolve("classifier.json")));

    Path f = tmp.resolve("f.safetensors");
    CliErrorsTest.Run e = CliErrorsTest.tunekit("features", "--model", model, "--data", data.toString(), "--out", f.toString());
    assertEquals(0, e.code(), e.err());
    try (SafeTensors st = SafeTensors.open(f)) {
      assertEquals(40, st.entry("train").shape()[0]);
      assertEquals(24, st.entry("train").shape()[1]);
      assertEquals(40, st.entry("test.labels").shape()[0]);
    }
  }
}
