package dev.tunekit;

/** A disk that fills up after a number of bytes, for tests of writes that fail half-way. */
public final class DiskFull implements AutoCloseable {
  private DiskFull() {}

  /** From now until {@link #close}, every write beyond {@code bytes} more fails with "No space left on device". */
  public static DiskFull after(long bytes) {
    AtomicFile.simulateFullDiskAfter(bytes);
    return new DiskFull();
  }

  @Override
  public void close() {
    AtomicFile.simulateFullDiskAfter(null);
  }
}
