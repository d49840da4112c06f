package dev.tunekit.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process, native (libtorch) memory included. */
public final class Memory {
  private Memory() {}

  /** Resident set size now, in MB (Linux VmRSS), or -1. */
  public static double currentRssMb() {
    return field("VmRSS:");
  }

  /** Starts a new peak (Linux: "5" into /proc/self/clear_refs resets VmHWM); no-op elsewhere. */
  public static void resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | RuntimeException e) {
      // not Linux, or not allowed: the peak then covers the whole process
    }
  }

  /** Peak resident set size in MB (Linux VmHWM), or -1 where /proc is not available. */
  public static double peakRssMb() {
    return field("VmHWM:");
  }

  private static double field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
