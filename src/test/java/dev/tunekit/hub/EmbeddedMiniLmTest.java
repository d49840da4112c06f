package dev.tunekit.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.pipeline.MiniLmReference;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.Tensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code minilm}: the model inside the LangChain4j jar, prepared as an HF folder, is the reference
 * all-MiniLM-L6-v2 in ../shared tensor for tensor and file for file, and gives the fixture's ids
 * and vectors (the inherited checks).
 */
class EmbeddedMiniLmTest extends MiniLmReference {
  @TempDir static Path cache;
  static Path folder;
  static Path leftover;

  /** Prepared once for the class, after planting what a killed earlier run would leave behind. */
  @Override
  protected Path model() {
    if (folder == null) {
      EmbeddedMiniLm minilm = new EmbeddedMiniLm(cache);
      // A temp folder of a run that was killed (its process, pid Long.MAX_VALUE, is gone).
      leftover = minilm.folder().resolveSibling("." + minilm.folder().getFileName() + "." + Long.MAX_VALUE + ".tmp");
      try {
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve("model.safetensors"), "half");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      folder = minilm.materialise();
    }
    return folder;
  }

  @Test
  void weightsEqualTheReferenceTensorForTensor() {
    try (SafeTensors ours = SafeTensors.open(folder.resolve("model.safetensors"));
        SafeTensors ref = SafeTensors.open(Fixtures.miniLm().resolve("model.safetensors"))) {
      assertEquals(ref.entries().keySet().stream().sorted().toList(), ours.entries().keySet().stream().sorted().toList());
      for (String name : ref.entries().keySet()) {
        assertEquals(ref.entry(name).dtype(), ours.entry(name).dtype(), name);
        assertArrayEquals(ref.entry(name).shape(), ours.entry(name).shape(), name);
        assertArrayEquals(Tensors.toFloats(ref.tensor(name)), Tensors.toFloats(ours.tensor(name)), name);
      }
      assertEquals("pt", ours.metadata().get("format"));
    }
  }

  @Test
  void tokenizerFilesAreTheReferenceOnes() throws IOException {
    // tokenizer.json: the jar's, with padding and truncation null; vocab.txt derived from it.
    for (String file : List.of("tokenizer.json", "vocab.txt")) {
      assertEquals(-1, Files.mismatch(folder.resolve(file), Fixtures.miniLm().resolve(file)), file);
    }
    for (String file : List.of("config.json", "tokenizer_config.json", "special_tokens_map.json")) {
      assertEquals(Fixtures.json(Fixtures.miniLm().resolve(file)), Fixtures.json(folder.resolve(file)), file);
    }
  }

  @Test
  void preparedOnceAndAtomically() throws IOException {
    assertFalse(Files.exists(leftover), "a killed run's temp folder is removed");
    try (Stream<Path> entries = Files.list(folder.getParent())) {
      assertEquals(List.of(folder), entries.toList(), "only the finished folder is left");
    }
    FileTime written = Files.getLastModifiedTime(folder.resolve("model.safetensors"));
    assertEquals(folder, new EmbeddedMiniLm(cache).materialise());
    assertEquals(written, Files.getLastModifiedTime(folder.resolve("model.safetensors")), "not written twice");
    assertTrue(new ModelSources(HubSettings.from(java.util.Map.of("TUNEKIT_CACHE", cache.toString()), cache))
        .find("minilm").equals(folder), "--model minilm names this folder");
  }
}
