package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {
  @TempDir Path tmp;

  @Test
  void inspectReportsRowsLabelsLengthsAndTruncation() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("small"));
    Files.writeString(d.resolve("train.jsonl"), "{\"text\": \"dull!\", \"label\": 0}\n"
        + "{\"text\": \"a gorgeous, witty, seductive movie.\", \"label\": 1}\n");
    Files.writeString(d.resolve("validation.jsonl"), "{\"text\": \"fine\", \"label\": 1}\n");
    Files.writeString(d.resolve("test.jsonl"), "{\"text\": \"bad\", \"label\": 0}\n");
    String model = Fixtures.fixture("tiny-distilbert").resolve("model").toString();
    CliErrorsTest.Run r = CliErrorsTest.tunekit("data", "inspect", "--data", d.toString(), "--model", model, "--max-length", "5");
    assertEquals(0, r.code(), r.err());
    // "dull!" is 4 tokens and the other text 10 (the fixture's lengths): one of two is over 5.
    assertTrue(r.out().contains("train: 2 rows"), r.out());
    assertTrue(r.out().contains("max 10; 1 texts (50.00%) longer than 5"), r.out());
    assertTrue(r.out().contains("label 1 1"), r.out());
  }

  @Test
  void missingSplitIsOneLine() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("nosplit"));
    Files.writeString(d.resolve("train.jsonl"), "{\"text\": \"x\", \"label\": 0}\n");
    String line = CliErrorsTest.fails("data", "inspect", "--data", d.toString(),
        "--model", Fixtures.fixture("tiny-distilbert").resolve("model").toString());
    assertTrue(line.contains("no validation split"), line);
  }
}
