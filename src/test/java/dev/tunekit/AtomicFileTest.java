package dev.tunekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails half-way (a full disk) leaves the previous file whole and no partial one. */
class AtomicFileTest {
  @TempDir Path dir;

  List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void fullDiskDuringASaveKeepsTheOldWeightsAndLeavesNoTempFile() throws IOException {
    Engine.start();
    Path file = dir.resolve("model.safetensors");
    Tensor old = Tensor.create(new float[] {1, 2, 3}, 3);
    SafeTensorsWriter.write(file, Map.of("w", old), Map.of("format", "pt"));
    byte[] before = Files.readAllBytes(file);

    Tensor big = Tensor.create(new float[4096], 64, 64);
    TunekitException e;
    try (DiskFull full = DiskFull.after(200)) {
      e = assertThrows(TunekitException.class, () -> SafeTensorsWriter.write(file, Map.of("w", big), Map.of()));
    }
    assertEquals(file + ": cannot write (No space left on device); check that the folder is writable and has free "
        + "space", e.getMessage());
    assertEquals(List.of("model.safetensors"), names(), "no temp file left");
    assertEquals(-1, java.util.Arrays.mismatch(before, Files.readAllBytes(file)), "the old file is untouched");
    try (SafeTensors st = SafeTensors.open(file)) {
      assertEquals(3, st.entry("w").numel());
    }
  }

  @Test
  void fullDiskDuringATextFileLeavesNothing() throws IOException {
    Path file = dir.resolve("metrics.json");
    try (DiskFull full = DiskFull.after(5)) {
      assertThrows(TunekitException.class, () -> AtomicFile.writeText(file, w -> w.write("{\"accuracy\": 0.9}\n")));
    }
    assertEquals(List.of(), names());
    AtomicFile.writeText(file, w -> w.write("{}\n"));
    assertEquals("{}\n", Files.readString(file), "writes work again once there is room");
  }
}
