package dev.tunekit.report;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr: phase, step/total, a bar, the latest figures, rate and ETA.
 * On a terminal it redraws in place; in a log (no console) it prints a line every tenth.
 */
public final class ProgressBar {
  private static final int WIDTH = 24;
  private final PrintStream out;
  private final String phase;
  private final long total;
  private final boolean interactive;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastTenth = -1;
  private boolean enabled = true;

  public ProgressBar(String phase, long total) {
    this(phase, total, System.err, System.console() != null);
  }

  ProgressBar(String phase, long total, PrintStream out, boolean interactive) {
    this.phase = phase;
    this.total = Math.max(1, total);
    this.out = out;
    this.interactive = interactive;
  }

  public ProgressBar enabled(boolean on) {
    this.enabled = on;
    return this;
  }

  /** Shows {@code done} of the total, with {@code figures} (e.g. "loss 0.4123") and a rate of {@code itemsPerSecond}. */
  public void update(long done, String figures, double itemsPerSecond, String unit) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    int tenth = (int) (10 * done / total);
    boolean last = done >= total;
    if (interactive ? now - lastDraw < 200_000_000L && !last : tenth == lastTenth && !last) {
      return;
    }
    lastDraw = now;
    lastTenth = tenth;
    double elapsed = (now - start) / 1e9;
    double eta = done == 0 ? 0 : elapsed * (total - done) / done;
    int filled = (int) (WIDTH * done / total);
    String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
    String line = String.format("%s [%s] %d/%d %s %.1f %s/s %s %s", phase, bar, done, total, figures,
        itemsPerSecond, unit, last ? "took" : "ETA", clock(last ? elapsed : eta));
    if (interactive) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
  }
}
