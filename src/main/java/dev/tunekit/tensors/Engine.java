package dev.tunekit.tensors;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Starts libtorch once per JVM: the bundled native libraries, the thread count.
 *
 * <p>The bundled libraries are extracted and resolved before anything else loads, so that a
 * system libtorch (Debian's, installed with python3-torch) is never picked up next to ours; that
 * mix crashes the JVM at first start (ENGINE-NOTES gotcha 1).
 */
public final class Engine {
  private static boolean started;
  private static int requestedThreads; // 0: all cores

  private Engine() {}

  /**
   * Loads libtorch if needed, with the thread count an earlier {@link #startInBackground} asked
   * for (else all cores); safe to call from anywhere, any number of times.
   */
  public static synchronized void start() {
    if (started) {
      return;
    }
    try {
      Loader.cacheResources("/org/bytedeco/pytorch/" + Loader.getPlatform() + "/");
      Loader.cacheResources("/org/bytedeco/openblas/" + Loader.getPlatform() + "/");
    } catch (Exception e) {
      throw new IllegalStateException("cannot extract the bundled libtorch: " + e.getMessage(), e);
    }
    Loader.load(torch.class);
    torch.set_num_interop_threads(1);
    // libtorch's own default can be a single thread (it counts cores as it sees them; in some
    // virtual machines that is one), which halves every matrix product's speed.
    torch.set_num_threads(threadCount(requestedThreads));
    started = true;
  }

  /**
   * Starts loading libtorch on a daemon thread with {@code threads} intra-op threads (0 or less:
   * all cores) and returns at once, so that loading (1-2 s) overlaps work that needs no tensors
   * (reading data, finding a model folder, loading its tokenizer). {@link #start()}, which every
   * tensor-making path calls, waits for it. A failure there is not lost: the next {@code start()}
   * tries again and reports it. (libtorch keeps the count globally; each thread takes it up at its
   * first parallel op.)
   */
  public static void startInBackground(int threads) {
    synchronized (Engine.class) {
      requestedThreads = threads;
      if (started) {
        torch.set_num_threads(threadCount(threads));
        return;
      }
    }
    Thread loader = new Thread(() -> {
      try {
        start();
      } catch (RuntimeException | LinkageError e) {
        // start() on the caller's thread meets the same problem and reports it
      }
    }, "tunekit-engine-start");
    loader.setDaemon(true);
    loader.start();
  }

  /** Loads libtorch and uses {@code threads} intra-op threads (0 or less: all cores). */
  public static synchronized void start(int threads) {
    start();
    setThreads(threads);
  }

  /** Intra-op threads for matmuls and element-wise kernels; 0 or less means all cores. */
  public static void setThreads(int threads) {
    start();
    torch.set_num_threads(threadCount(threads));
  }

  private static int threadCount(int threads) {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  public static int threads() {
    start();
    return torch.get_num_threads();
  }
}
