package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** finetune, lora and merge end to end on the tiny DistilBERT and a small slice of data. */
class TrainingCommandsTest {
  @TempDir static Path tmp;
  static Path data;
  static final String MODEL = Fixtures.fixture("tiny-distilbert").resolve("model").toString();

  @BeforeAll
  static void smallDataset() throws IOException {
    data = Fixtures.rottenTomatoesSlice(tmp.resolve("data"), 3, 3);
  }

  static JsonNode json(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void finetuneWritesAnHfFolderAndMetrics() throws IOException {
    Path out = tmp.resolve("ft");
    CliErrorsTest.Run r = CliErrorsTest.tunekit("finetune", "--model", MODEL, "--data", data.toString(), "--epochs", "2",
        "--batch-size", "4", "--out", out.toString(), "--new-head", "--no-progress", "--threads", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("| Epoch | Step | Training Loss | Validation Loss | Accuracy |     F1 |"), r.out());
    JsonNode m = json(out.resolve("metrics.json"));
    for (String key : new String[] {"trainable_params", "wall_seconds", "samples_per_second", "peak_rss_mb"}) {
      assertTrue(m.has(key), key);
    }
    assertEquals(2, m.get("epochs").size());
    assertTrue(m.get("validation").has("accuracy") && m.get("test").has("f1"));
    assertTrue(r.out().contains(String.format("test: accuracy %.4f", m.get("test").get("accuracy").asDouble())), r.out());
    assertEquals("DistilBertForSequenceClassification", json(out.resolve("config.json")).get("architectures").get(0).asText());
    assertTrue(Files.readAllLines(out.resolve("trainer_log.jsonl")).size() >= 4);

    String line = CliErrorsTest.fails("finetune", "--model", MODEL, "--data", data.toString(), "--out", out.toString());
    assertTrue(line.contains("not empty") && line.contains("--overwrite"), line);
  }

  @Test
  void loraWritesAPeftAdapterThatMergeFolds() throws IOException {
    Path out = tmp.resolve("lora");
    CliErrorsTest.Run r = CliErrorsTest.tunekit("lora", "--model", MODEL, "--data", data.toString(), "--epochs", "1",
        "--batch-size", "4", "--r", "4", "--alpha", "8", "--lr", "1e-3", "--out", out.toString(), "--new-head", "--no-progress");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("trainable params: "), r.out());
    JsonNode cfg = json(out.resolve("adapter_config.json"));
    assertEquals("LORA", cfg.get("peft_type").asText());
    assertEquals(4, cfg.get("r").asInt());
    assertTrue(Files.isRegularFile(out.resolve("adapter_model.safetensors")));
    assertTrue(json(out.resolve("metrics.json")).get("trainable_params").asLong() < 993_516);

    Path merged = tmp.resolve("merged");
    CliErrorsTest.Run m = CliErrorsTest.tunekit("merge", "--model", MODEL, "--adapter", out.toString(), "--out", merged.toString());
    assertEquals(0, m.code(), m.err());
    assertTrue(Files.isRegularFile(merged.resolve("model.safetensors")) && Files.isRegularFile(merged.resolve("tokenizer.json")));
  }

  @Test
  void resumeWithoutCheckpointIsOneLine() {
    String line = CliErrorsTest.fails("finetune", "--model", MODEL, "--data", data.toString(), "--out",
        tmp.resolve("empty").toString(), "--resume", "--new-head");
    assertTrue(line.contains("no checkpoint to resume from"), line);
  }

  @Test
  void headForOtherLabelsIsRefusedWithoutNewHead() {
    String line = CliErrorsTest.fails("finetune", "--model", MODEL, "--data", data.toString(), "--out",
        tmp.resolve("labels").toString());
    assertTrue(line.contains("[negative, neutral, positive]") && line.contains("--new-head"), line);
  }
}
