package dev.tunekit.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A folder nobody can write into, this user included: file modes do not stop root (CI runs as
 * root), so root gets the immutable attribute (chattr +i) instead. Undone on close.
 */
final class ReadOnly implements AutoCloseable {
  private final Path dir;
  private final boolean immutable;

  private ReadOnly(Path dir, boolean immutable) {
    this.dir = dir;
    this.immutable = immutable;
  }

  static ReadOnly make(Path dir) throws IOException, InterruptedException {
    boolean root = "root".equals(System.getProperty("user.name"));
    ReadOnly ro = new ReadOnly(dir, root);
    if (root) {
      assumeTrue(chattr("+i", dir), "chattr +i works here");
    } else {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    boolean writable;
    try {
      Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
      writable = true;
    } catch (IOException e) {
      writable = false;
    }
    if (writable) {
      ro.close();
    }
    assumeTrue(!writable, "the folder could be made read-only");
    return ro;
  }

  private static boolean chattr(String flag, Path dir) throws IOException, InterruptedException {
    try {
      Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false; // no chattr on this machine
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (immutable) {
        chattr("-i", dir);
      } else {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
