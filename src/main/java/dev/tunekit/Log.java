package dev.tunekit;

import java.io.PrintStream;

/** One-line messages for people, on stderr so that stdout stays machine-readable. */
public final class Log {
  private static volatile PrintStream out = System.err;
  private static volatile boolean quiet;

  private Log() {}

  public static void warn(String message) {
    out.println("tunekit: warning: " + message);
  }

  public static void info(String message) {
    if (!quiet) {
      out.println("tunekit: " + message);
    }
  }

  /**
   * A progress line: on a terminal it is redrawn in place until {@code done}; elsewhere (a log
   * file, a test) only the final line is written, so logs stay readable.
   */
  public static void progress(String message, boolean done) {
    if (quiet) {
      return;
    }
    PrintStream o = out;
    if (o == System.err && System.console() != null) {
      o.print("\r\033[Ktunekit: " + message + (done ? "\n" : ""));
      o.flush();
    } else if (done) {
      o.println("tunekit: " + message);
    }
  }

  /** Bytes as people read them: 512 B, 1.4 kB, 90.3 MB (decimal units, like the Hub's pages). */
  public static String size(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  public static void setQuiet(boolean q) {
    quiet = q;
  }

  /** Where messages go (tests capture them). */
  public static void setStream(PrintStream stream) {
    out = stream;
  }
}
