package dev.tunekit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes a file so that it appears whole or not at all: temp file beside it, fsync, rename. */
public final class AtomicFile {
  /** Writes text through {@code body}. */
  public interface TextBody {
    void write(BufferedWriter out) throws IOException;
  }

  private AtomicFile() {}

  public static void writeText(Path file, TextBody body) {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          OutputStream stream = Channels.newOutputStream(channel);
          BufferedWriter out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8))) {
        body.write(out);
        out.flush();
        channel.force(true);
      }
      makeReadable(temp);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new TunekitException(file + ": cannot write (" + e.getMessage() + "); check the folder exists, "
          + "is writable and has free space");
    } catch (RuntimeException e) {
      deleteQuietly(temp);
      throw e;
    }
  }

  /** Temp files are created owner-only; what we publish is rw-r--r-- like any other file. */
  public static void makeReadable(Path file) {
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException | UnsupportedOperationException ignored) {
      // not a POSIX file system: keep the default
    }
  }

  private static void deleteQuietly(Path temp) {
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }
}
