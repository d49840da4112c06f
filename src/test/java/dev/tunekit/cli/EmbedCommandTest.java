package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Fixtures;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.Tensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunekit embed} end to end: its [CLS] vectors are the reference's last hidden state at token 0. */
class EmbedCommandTest {
  @TempDir Path tmp;

  @Test
  void writesReferenceClsVectorsAsJsonLines() throws Exception {
    Path model = Fixtures.fixture("tiny-distilbert").resolve("model");
    JsonNode inputs = Fixtures.json(Fixtures.fixture("tiny-distilbert").resolve("expected.json")).get("inputs");
    String t0 = inputs.get("texts").get(0).asText();
    String t2 = inputs.get("texts").get(2).asText();
    Path input = tmp.resolve("in.jsonl");
    Files.writeString(input, new ObjectMapper().createObjectNode().put("text", t2) + "\n");
    Path out = tmp.resolve("vectors.jsonl");
    CliErrorsTest.Run r = CliErrorsTest.tunekit("embed", "--model", model.toString(), "--pooling", "cls",
        "--text", t0, "--input", input.toString(), "--out", out.toString(), "--threads", "1");
    assertEquals(0, r.code(), r.err());
    List<String> lines = Files.readAllLines(out);
    assertEquals(2, lines.size());
    try (SafeTensors expected = Fixtures.expected("tiny-distilbert")) {
      Tensor hidden = expected.tensor("eval.last_hidden_state");
      int[] rows = {0, 2};
      for (int i = 0; i < 2; i++) {
        JsonNode line = new ObjectMapper().readTree(lines.get(i));
        assertEquals(i == 0 ? t0 : t2, line.get("text").asText());
        float[] want = Tensors.toFloats(hidden.select(0, rows[i]).select(0, 0));
        JsonNode got = line.get("embedding");
        assertEquals(want.length, got.size());
        for (int j = 0; j < want.length; j++) {
          assertTrue(Math.abs(got.get(j).floatValue() - want[j]) <= 1e-4 + 1e-4 * Math.abs(want[j]),
              "element " + j + ": " + got.get(j) + " vs " + want[j]);
        }
      }
    }
  }

  /** The README's main command: the embedded model on a machine without the Hub. */
  @Test
  void embeddedMiniLmGivesTheReferenceMeanVectors() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("TUNEKIT_CACHE") != null,
        "run through Maven (it points TUNEKIT_CACHE under target/)");
    JsonNode expectedJson = Fixtures.json(Fixtures.fixture("minilm").resolve("expected.json"));
    String text = expectedJson.get("texts").get(1).asText();
    Path out = tmp.resolve("minilm.jsonl");
    CliErrorsTest.Run r = CliErrorsTest.tunekit("embed", "--model", "minilm", "--pooling", "mean",
        "--text", text, "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode got = new ObjectMapper().readTree(Files.readAllLines(out).get(0)).get("embedding");
    double[] tol = Fixtures.tolerance(expectedJson, "mean");
    try (SafeTensors expected = Fixtures.expected("minilm")) {
      float[] want = Tensors.toFloats(expected.tensor("mean").select(0, 1));
      assertEquals(want.length, got.size());
      for (int j = 0; j < want.length; j++) {
        assertTrue(Math.abs(got.get(j).floatValue() - want[j]) <= tol[0] + tol[1] * Math.abs(want[j]),
            "element " + j + ": " + got.get(j) + " vs " + want[j]);
      }
    }
  }
}
