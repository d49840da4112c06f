package dev.tunekit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file so that it appears whole or not at all: temp file beside it, fsync, rename. A
 * failure (a full disk, a folder that is not writable) leaves the old file, if any, as it was and
 * no temp file behind.
 */
public final class AtomicFile {
  /** Writes text through {@code body}. */
  public interface TextBody {
    void write(BufferedWriter out) throws IOException;
  }

  /** Writes bytes through {@code body}. */
  public interface Body {
    void write(WritableByteChannel out) throws IOException;
  }

  /** Bytes left on a simulated device (tests of a full disk); null: the real one. */
  private static volatile AtomicLong simulatedRoom;

  private AtomicFile() {}

  public static void writeText(Path file, TextBody body) {
    write(file, channel -> {
      BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
          StandardCharsets.UTF_8));
      body.write(out);
      out.flush();
    });
  }

  public static void write(Path file, Body body) {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = null;
    try {
      Files.createDirectories(dir);
      temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        body.write(device(channel));
        channel.force(true);
      }
      makeReadable(temp);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(temp);
      throw new TunekitException(file + ": cannot write (" + reason(e) + "); check that the folder is writable "
          + "and has free space");
    } catch (RuntimeException e) {
      deleteQuietly(temp);
      throw e;
    }
  }

  /** What went wrong, in the words of the operating system ("No space left on device"). */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage();
  }

  /** Temp files are created owner-only; what we publish is rw-r--r-- like any other file. */
  public static void makeReadable(Path file) {
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException | UnsupportedOperationException ignored) {
      // not a POSIX file system: keep the default
    }
  }

  /** Test hook: from now on the device holds {@code bytes} more bytes (shared by every write); null restores it. */
  static void simulateFullDiskAfter(Long bytes) {
    simulatedRoom = bytes == null ? null : new AtomicLong(bytes);
  }

  private static WritableByteChannel device(FileChannel channel) {
    AtomicLong room = simulatedRoom;
    if (room == null) {
      return channel;
    }
    return new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) throws IOException {
        if (src.remaining() > room.get()) {
          throw new IOException("No space left on device");
        }
        int n = channel.write(src);
        room.addAndGet(-n);
        return n;
      }

      @Override
      public boolean isOpen() {
        return channel.isOpen();
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
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
