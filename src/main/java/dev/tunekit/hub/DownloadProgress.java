package dev.tunekit.hub;

import dev.tunekit.Log;
import java.util.Locale;

/** A download's progress bar on stderr: name, bar, bytes, speed; redrawn at most 5 times a second. */
final class DownloadProgress {
  private static final int WIDTH = 24;
  private static final long REDRAW_NANOS = 200_000_000L;

  private final String name;
  private final long total;
  private final long initial;
  private final long start = System.nanoTime();
  private long done;
  private long lastDraw;

  DownloadProgress(String name, long total, long initial) {
    this.name = name;
    this.total = total;
    this.initial = initial;
    this.done = initial;
    draw(false);
  }

  void advance(long bytes) {
    done += bytes;
    long now = System.nanoTime();
    if (now - lastDraw >= REDRAW_NANOS) {
      lastDraw = now;
      draw(false);
    }
  }

  void finish() {
    draw(true);
  }

  private void draw(boolean finished) {
    double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    int filled = total > 0 ? (int) (WIDTH * Math.min(1.0, (double) done / total)) : 0;
    String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
    String resumed = initial > 0 ? ", resumed at " + Log.size(initial) : "";
    Log.progress(String.format(Locale.ROOT, "%s [%s] %s / %s  %s/s%s", name, bar, Log.size(done), Log.size(total),
        Log.size((long) ((done - initial) / seconds)), resumed), finished);
  }
}
