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

  public static void setQuiet(boolean q) {
    quiet = q;
  }

  /** Where messages go (tests capture them). */
  public static void setStream(PrintStream stream) {
    out = stream;
  }
}
