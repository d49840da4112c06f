package dev.tunekit.tensors;

import dev.tunekit.TunekitException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.pytorch.global.torch;

/**
 * Independent inference batches, one stream per core: each stream is a thread whose libtorch work
 * runs on a single core, and the streams take batches in turn. One batch split across all cores
 * leaves a core waiting whenever the other runs something serial (op dispatch, small kernels,
 * the Java between ops): on 2 cores a third of a forward pass. Two streams keep both busy:
 * DistilBERT-base forward on length-grouped batches of 16, 1.3-1.4x the samples per second in
 * bf16 and 1.1-1.25x in float32 (ad-hoc harness, alternating). Each batch's numbers are those of
 * a single-threaded pass.
 *
 * <p>While streams run, OpenBLAS (libtorch's float32 products) works single-threaded too: its own
 * thread pool would otherwise serve both streams' products in turn.
 */
public final class InferenceStreams {
  private static ExecutorService pool;
  private static int poolSize;

  private InferenceStreams() {}

  /**
   * Runs {@code work} on every input, in parallel streams when there are several cores and inputs,
   * and hands each result to {@code done} on the calling thread, in input order. {@code work} runs
   * on a stream's thread: thread-local state (inference mode, autocast, PointerScope) is its own to set.
   * Called from a stream (one libtorch thread) it runs in place; two callers at once take turns.
   */
  public static <I, O> void run(List<I> inputs, Function<I, O> work, BiConsumer<Integer, O> done) {
    int streams = Math.min(Engine.threads(), inputs.size());
    if (streams < 2) {
      for (int i = 0; i < inputs.size(); i++) {
        done.accept(i, work.apply(inputs.get(i)));
      }
      return;
    }
    synchronized (InferenceStreams.class) { // one set of streams, one OpenBLAS setting
      runOnStreams(inputs, work, done);
    }
  }

  private static <I, O> void runOnStreams(List<I> inputs, Function<I, O> work, BiConsumer<Integer, O> done) {
    ExecutorService executor = pool(Engine.threads());
    int blasThreads = openblas_full.openblas_get_num_threads();
    openblas_full.openblas_set_num_threads(1);
    List<Future<O>> results = new ArrayList<>();
    AtomicBoolean stopped = new AtomicBoolean();
    try {
      for (I input : inputs) {
        results.add(executor.submit(() -> stopped.get() ? null : work.apply(input)));
      }
      for (int i = 0; i < results.size(); i++) {
        done.accept(i, get(results.get(i)));
      }
    } finally {
      stopped.set(true); // after a failure the batches not yet started are skipped
      boolean interrupted = false;
      for (Future<O> f : results) {
        try {
          f.get(); // no stream may still be running when this returns
        } catch (ExecutionException e) {
          // the first failure is already on its way to the caller
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      openblas_full.openblas_set_num_threads(blasThreads);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static <O> O get(Future<O> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new TunekitException("an inference stream failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TunekitException("interrupted while waiting for an inference stream", e);
    }
  }

  /**
   * The streams' threads, made once: each sets its own libtorch thread count to one. libtorch keeps
   * the count per thread, but setting it also changes the default that threads starting later take
   * up, so the caller's count is set again afterwards (with threads made and ready first).
   */
  private static synchronized ExecutorService pool(int size) {
    if (pool != null && poolSize == size) {
      return pool;
    }
    if (pool != null) {
      pool.shutdown();
    }
    Loader.load(openblas_full.class);
    CountDownLatch ready = new CountDownLatch(size);
    AtomicInteger count = new AtomicInteger();
    pool = Executors.newFixedThreadPool(size, task -> {
      Thread t = new Thread(() -> {
        torch.get_num_threads(); // libtorch sets a thread up on first use; then one thread for it
        torch.set_num_threads(1);
        ready.countDown();
        task.run();
      }, "tunekit-inference-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < size; i++) {
      pool.submit(() -> { });
    }
    try {
      ready.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TunekitException("interrupted while starting inference streams", e);
    }
    torch.set_num_threads(size);
    poolSize = size;
    return pool;
  }
}
