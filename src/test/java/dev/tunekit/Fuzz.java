package dev.tunekit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * What every fuzz target checks, and where its inputs live.
 *
 * <p>A parser of user files either accepts the input or throws {@link TunekitException} with a
 * one-line message; anything else (a NullPointerException, an OutOfMemoryError from an allocation
 * sized by a forged header, a hang past the per-input timeout the fuzz profile sets) escapes to Jazzer
 * as a finding.
 * Under plain {@code mvn test} the targets replay their seeds (regression mode); the {@code fuzz}
 * profile fuzzes each for a bounded time (README, "Fuzzing").
 */
public final class Fuzz {
  /** How long one target fuzzes when nothing else is configured (the fuzz profile passes its own). */
  public static final String DURATION = "20s";

  private static Path scratch;

  private Fuzz() {}

  /** Runs {@code parse}: it may succeed or fail with a one-line TunekitException, nothing else. */
  public static void parse(Runnable parse) {
    try {
      parse.run();
    } catch (TunekitException e) {
      String m = e.getMessage();
      if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r")) {
        throw new AssertionError("a TunekitException must be one line: " + m, e);
      }
    }
  }

  /** A folder of this JVM's fuzz inputs, each target writing its own names in it. */
  public static synchronized Path scratch() {
    if (scratch == null) {
      try {
        scratch = Files.createTempDirectory("tunekit-fuzz");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      scratch.toFile().deleteOnExit();
    }
    return scratch;
  }

  /** Writes {@code bytes} to {@code relative} under the scratch folder, replacing what was there. */
  public static Path write(String relative, byte[] bytes) {
    Path file = scratch().resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Deleted at exit in the reverse order of registration: the file, then its folder.
    file.getParent().toFile().deleteOnExit();
    file.toFile().deleteOnExit();
    return file;
  }

  /** Real files from ../shared, as seeds. */
  public static Stream<byte[]> shared(String... relative) {
    return Arrays.stream(relative).map(r -> {
      try {
        return Files.readAllBytes(Fixtures.shared().resolve(r));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The first {@code n} lines of a file in ../shared. */
  public static String sharedLines(String relative, int n) {
    try (Stream<String> lines = Files.lines(Fixtures.shared().resolve(relative))) {
      return String.join("\n", lines.limit(n).toList()) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code prefix} followed by {@code rest}: seeds for targets that read a selector byte first. */
  public static byte[] concat(byte[] prefix, byte[] rest) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + rest.length);
    System.arraycopy(rest, 0, out, prefix.length, rest.length);
    return out;
  }
}
