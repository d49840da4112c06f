package dev.tunekit.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class EngineTest {
  /**
   * The CLI's way: libtorch loads on a background thread, the thread count is set there, and the
   * main thread (and any later one) must work with that count, not libtorch's default. Only a fresh
   * JVM has an engine that is not started yet.
   */
  @Test
  void aBackgroundStartSetsTheThreadCountForEveryThread() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", classpath, Probe.class.getName())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor(120, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), out);
    assertEquals("main 1, other 1", out);
  }

  /** Already started (as in a test JVM or a second command in one process): the count applies at once. */
  @Test
  void aStartedEngineTakesTheNewThreadCount() {
    Engine.start();
    try {
      Engine.startInBackground(1);
      assertEquals(1, Engine.threads());
      Engine.startInBackground(0);
      assertEquals(Runtime.getRuntime().availableProcessors(), Engine.threads());
    } finally {
      Engine.setThreads(0);
    }
  }

  /** Runs in its own JVM: a background start asking for one thread, then a tensor on two threads. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      Engine.startInBackground(1);
      Engine.start();
      int[] other = new int[1];
      Thread t = new Thread(() -> other[0] = torch.get_num_threads());
      t.start();
      t.join();
      System.out.println("main " + torch.get_num_threads() + ", other " + other[0]);
    }
  }
}
