package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.Fixtures;
import dev.tunekit.tensors.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: {@code tunekit finetune --save-steps 1} in a child JVM, killed with SIGKILL
 * ({@link Process#destroyForcibly()}) at random moments, then continued with {@code --resume}.
 * Every interrupted run must end bit for bit where an uninterrupted one ends (weights, metrics,
 * log), and no kill may leave a file that a reader would take for complete while it is not.
 */
class KillResumeTest {
  static final int KILLS = 10;
  /** 8 training rows in batches of 2 for 2 epochs: 8 steps, each logged, and 2 evaluations. */
  static final int LOG_LINES = 10;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path data;

  @BeforeAll
  static void tinyData() throws IOException {
    data = Fixtures.rottenTomatoesSlice(tmp.resolve("data"), 4, 2);
  }

  static ProcessBuilder finetune(Path out, String... extra) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        classpath, Main.class.getName(), "finetune", "--model",
        Fixtures.fixture("tiny-distilbert").resolve("model").toString(), "--data", data.toString(), "--out",
        out.toString(), "--epochs", "2", "--batch-size", "2", "--eval-batch-size", "8", "--lr", "1e-3",
        "--save-steps", "1", "--precision", "fp32", "--threads", "1", "--seed", "3", "--new-head", "--no-progress"));
    command.addAll(List.of(extra));
    Path log = out.resolveSibling(out.getFileName() + ".log");
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  static void runToTheEnd(ProcessBuilder b, Path out) throws Exception {
    Process p = b.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("finetune did not finish in 2 minutes: " + out);
    }
    assertEquals(0, p.exitValue(), () -> "finetune failed:\n" + read(out.resolveSibling(out.getFileName() + ".log")));
  }

  static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  static long lines(Path file) {
    try (Stream<String> s = Files.lines(file)) {
      return s.count();
    } catch (IOException e) {
      return 0;
    }
  }

  /** metrics.json without what depends on the clock and the machine's load. */
  static JsonNode metrics(Path out) throws IOException {
    ObjectNode m = (ObjectNode) JSON.readTree(out.resolve("metrics.json").toFile());
    m.remove(List.of("wall_seconds", "samples_per_second", "peak_rss_mb"));
    return m;
  }

  @Test
  void killedAtRandomMomentsResumesToTheSameWeightsAndMetrics() throws Exception {
    Path reference = tmp.resolve("reference");
    runToTheEnd(finetune(reference), reference);
    byte[] weights = Files.readAllBytes(reference.resolve("model.safetensors"));
    JsonNode metrics = metrics(reference);
    List<String> log = Files.readAllLines(reference.resolve("trainer_log.jsonl"));
    assertEquals(LOG_LINES, log.size(), "the reference run logs every step and evaluation");

    long seed = Long.getLong("tunekit.kill.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> report = new ArrayList<>();
    for (int trial = 0; trial < KILLS; trial++) {
      Path out = tmp.resolve("killed-" + trial);
      // A moment: once 2..10 log lines are written (a whole checkpoint exists from line 2 on),
      // plus up to 60 ms more (about a step with its checkpoint), reaching into checkpoint
      // writes, rotation and, after the last line, the final save.
      int afterLines = 2 + random.nextInt(LOG_LINES - 1);
      long delayMs = random.nextInt(60);
      Process p = finetune(out).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (p.isAlive() && lines(out.resolve("trainer_log.jsonl")) < afterLines && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(delayMs);
      boolean finished = !p.isAlive();
      p.destroyForcibly().waitFor();
      String where = "trial " + trial + " (seed " + seed + ", killed after " + afterLines + " log lines + " + delayMs
          + " ms" + (finished ? ", but it had finished" : "") + ")";
      assertNothingTorn(out, where);
      List<String> checkpoints = checkpointNames(out);
      runToTheEnd(finetune(out, "--resume"), out);
      assertEquals(-1, java.util.Arrays.mismatch(weights, Files.readAllBytes(out.resolve("model.safetensors"))),
          where + ": final weights differ from the uninterrupted run");
      assertEquals(metrics, metrics(out), where + ": metrics differ");
      assertEquals(log, Files.readAllLines(out.resolve("trainer_log.jsonl")), where + ": log differs");
      report.add(where + ": resumed from " + checkpoints.get(checkpoints.size() - 1));
    }
    System.out.println("KillResumeTest: " + KILLS + " kills, all resumed to identical weights and metrics:\n  "
        + String.join("\n  ", report));
  }

  static List<String> checkpointNames(Path out) throws IOException {
    try (Stream<Path> dirs = Files.list(out.resolve("checkpoints"))) {
      return dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("checkpoint-\\d+"))
          .sorted(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(11)))).toList();
    }
  }

  /** Everything a reader would pick up by name is whole; only hidden temp names may hold partial data. */
  static void assertNothingTorn(Path out, String where) throws IOException {
    List<String> names = checkpointNames(out);
    assertTrue(!names.isEmpty(), where + ": a checkpoint exists once step 2 is logged");
    for (String name : names) {
      Path dir = out.resolve("checkpoints").resolve(name);
      for (String file : List.of("model.safetensors", "optimizer.safetensors", "trainer_state.json")) {
        assertTrue(Files.isRegularFile(dir.resolve(file)), where + ": " + name + " lacks " + file);
      }
      whole(dir.resolve("model.safetensors"), where);
      whole(dir.resolve("optimizer.safetensors"), where);
      JSON.readTree(dir.resolve("trainer_state.json").toFile());
    }
    if (Files.exists(out.resolve("model.safetensors"))) {
      whole(out.resolve("model.safetensors"), where);
    }
    for (String json : List.of("config.json", "metrics.json", "tokenizer.json", "tokenizer_config.json")) {
      if (Files.exists(out.resolve(json))) {
        assertTrue(JSON.readTree(out.resolve(json).toFile()).isObject(), where + ": " + json + " is whole");
      }
    }
    for (String line : Files.readAllLines(out.resolve("trainer_log.jsonl"))) {
      assertTrue(JSON.readTree(line).has("step"), where + ": a whole log line: " + line);
    }
  }

  /** Opening validates the header against the file's size, so a truncated file fails here. */
  static void whole(Path safetensors, String where) {
    try (SafeTensors st = SafeTensors.open(safetensors)) {
      assertTrue(!st.entries().isEmpty(), where + ": " + safetensors + " has tensors");
    }
  }
}
