package dev.tunekit.cli;

import dev.tunekit.AtomicFile;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The --out folder of a command that writes several files: checked before any work starts. */
final class OutputFolder {
  /** Folders this run created; a failed command removes those it left empty. */
  private static final List<Path> CREATED = new ArrayList<>();

  private OutputFolder() {}

  /**
   * Creates {@code out} or accepts it empty; a folder that holds files is refused unless
   * {@code overwrite} (or {@code resume}, for training runs: {@code resumable}); and it must take a file.
   */
  static synchronized void prepare(Path out, boolean overwrite, boolean resumable, boolean resume) {
    if (Files.isRegularFile(out)) {
      throw new TunekitException(out + ": is a file; --out must name a folder");
    }
    if (Files.isDirectory(out) && !overwrite && !resume && holdsFiles(out)) {
      throw new TunekitException(out + ": the output folder is not empty; pass --overwrite to write into it, "
          + (resumable ? "--resume to continue its run, " : "") + "or choose another --out");
    }
    try {
      if (!Files.isDirectory(out)) {
        Files.createDirectories(out);
        CREATED.add(out);
      }
    } catch (IOException e) {
      throw new TunekitException(out + ": cannot create the output folder (" + AtomicFile.reason(e) + "); choose "
          + "another --out");
    }
    try {
      // Asking the file system is the only reliable test (root, read-only mounts, immutable folders).
      Files.delete(Files.createTempFile(out, ".tunekit-write-test", ".tmp"));
    } catch (IOException e) {
      throw new TunekitException(out + ": the output folder is not writable (" + AtomicFile.reason(e) + "); choose "
          + "another --out");
    }
  }

  /** At the end of a command: after a failure, the folders it created and left empty are removed. */
  static synchronized void finish(boolean failed) {
    for (Path out : failed ? CREATED : List.<Path>of()) {
      try {
        Files.deleteIfExists(out);
      } catch (IOException e) {
        // not empty (something was written after all) or not ours to remove any more: keep it
      }
    }
    CREATED.clear();
  }

  private static boolean holdsFiles(Path out) {
    try (Stream<Path> entries = Files.list(out)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      throw new TunekitException(out + ": cannot read (" + AtomicFile.reason(e) + ")");
    }
  }
}
