package dev.tunekit.hub;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a download's stream when no byte arrives for too long. HttpClient has no read timeout of
 * its own, and a connection that goes quiet without closing would hang the read forever (its
 * stream ignores interrupts); closing the stream wakes the blocked read with an IOException.
 */
final class StallWatchdog implements AutoCloseable {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tunekit-download-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final Closeable stream;
  private final long limitNanos;
  private final ScheduledFuture<?> task;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean fired;

  StallWatchdog(Duration limit, Closeable stream) {
    this.stream = stream;
    this.limitNanos = limit.toNanos();
    long period = Math.max(50, limit.toMillis() / 4);
    this.task = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /** Bytes arrived. */
  void progress() {
    lastProgress = System.nanoTime();
  }

  /** True when it gave up on the stream. */
  boolean fired() {
    return fired;
  }

  private void check() {
    if (!fired && System.nanoTime() - lastProgress > limitNanos) {
      fired = true;
      task.cancel(false);
      try {
        stream.close();
      } catch (IOException ignored) {
        // the reader sees the stream closed either way
      }
    }
  }

  @Override
  public void close() {
    task.cancel(false);
  }
}
