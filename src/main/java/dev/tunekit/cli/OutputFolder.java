package dev.tunekit.cli;

import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The output folder of a command: never written into by surprise, created when absent. */
final class OutputFolder {
  private OutputFolder() {}

  /**
   * Refuses a folder that holds files unless {@code overwrite} or {@code resume}; creates it
   * otherwise. {@code resumable}: the command has a --resume to suggest.
   */
  static void prepare(Path out, boolean overwrite, boolean resume, boolean resumable) {
    if (Files.isRegularFile(out)) {
      throw new TunekitException(out + ": is a file; --out must name a folder");
    }
    if (Files.isDirectory(out) && !resume && !overwrite) {
      try (Stream<Path> entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new TunekitException(out + ": the output folder is not empty; pass --overwrite to write into it, "
              + (resumable ? "--resume to continue its run, " : "") + "or choose another --out");
        }
      } catch (IOException e) {
        throw new TunekitException(out + ": cannot read (" + e.getMessage() + ")");
      }
    }
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new TunekitException(out + ": cannot create the output folder (" + e.getMessage() + ")");
    }
    if (!Files.isWritable(out)) {
      throw new TunekitException(out + ": the output folder is not writable; choose another --out");
    }
  }
}
