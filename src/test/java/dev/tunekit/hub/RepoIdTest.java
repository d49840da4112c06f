package dev.tunekit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.TunekitException;
import org.junit.jupiter.api.Test;

/** Model names as Python users write them, validated like huggingface_hub's validate_repo_id. */
class RepoIdTest {
  @Test
  void validIdsAndTheirCacheFolders() {
    assertEquals(new RepoId("distilbert-base-uncased", "main"), RepoId.parse("distilbert-base-uncased"));
    assertEquals("models--distilbert-base-uncased", RepoId.parse("distilbert-base-uncased").folderName());
    RepoId pr = RepoId.parse("sentence-transformers/all-MiniLM-L6-v2@refs/pr/1");
    assertEquals("sentence-transformers/all-MiniLM-L6-v2", pr.id());
    assertEquals("refs/pr/1", pr.revision());
    assertEquals("models--sentence-transformers--all-MiniLM-L6-v2", pr.folderName());
    assertTrue(RepoId.parse("a/b@0123456789abcdef0123456789abcdef01234567").pinned());
    assertFalse(RepoId.parse("a/b@v1.0").pinned());
  }

  @Test
  void datasetIdsTheirFoldersAndUrls() {
    RepoId rt = RepoId.parse(RepoType.DATASET, "cornell-movie-review-data/rotten_tomatoes");
    assertEquals("refs/convert/parquet", rt.revision(), "datasets are read from the Parquet export");
    assertEquals("datasets--cornell-movie-review-data--rotten_tomatoes", rt.folderName());
    assertEquals("cornell-movie-review-data/rotten_tomatoes", rt.toString());
    assertEquals("org/name@main", RepoId.parse(RepoType.DATASET, "org/name@main").toString());
    HubClient client = new HubClient(new HubSettings(java.nio.file.Path.of("cache"), "https://hub.example", null,
        false, java.nio.file.Path.of("tunekit")));
    assertEquals("https://hub.example/datasets/cornell-movie-review-data/rotten_tomatoes/resolve/"
        + "refs%2Fconvert%2Fparquet/default/train/0000.parquet", client.resolveUrl(rt, "default/train/0000.parquet")
        .toString());
    assertEquals("https://hub.example/org/name/resolve/main/config.json",
        client.resolveUrl(RepoId.parse("org/name"), "config.json").toString());
    TunekitException e = assertThrows(TunekitException.class, () -> RepoId.parse(RepoType.DATASET, "org/na me"));
    assertTrue(e.getMessage().contains("'org/na me' is not a Hub dataset id"), e.getMessage());
  }

  static String rejects(String spec) {
    TunekitException e = assertThrows(TunekitException.class, () -> RepoId.parse(spec));
    assertFalse(e.getMessage().contains("\n"));
    return e.getMessage();
  }

  @Test
  void invalidIdsAreOneLine() {
    assertTrue(rejects("org/na me").contains("characters other than letters"));
    assertTrue(rejects("org/name!").contains("characters other than letters"));
    assertTrue(rejects("org--x/name").contains("\"--\" and \"..\" are not allowed"));
    assertTrue(rejects("org/-name").contains("cannot start or end"));
    assertTrue(rejects("org/name.git").contains(".git"));
    assertTrue(rejects("x".repeat(97)).contains("1 to 96 characters"));
    assertTrue(rejects("").contains("1 to 96 characters"));
  }

  @Test
  void revisionsCannotClimbOutOfTheCache() {
    for (String bad : new String[] {"org/name@", "org/name@../x", "org/name@/abs", "org/name@a//b", "org/name@.",
        "org/name@a b", "org/name@-x"}) {
      assertTrue(rejects(bad).contains("is not a valid revision"), bad);
    }
  }

  @Test
  void idsCannotClimbOutOfTheCache() {
    // The id becomes the folder models--org--name: ".." or a third part could leave the cache.
    for (String bad : new String[] {"..", "../x", "org/..", "../../etc/passwd", ".hidden/x", "org/.."}) {
      assertTrue(rejects(bad).contains("is not a Hub model id"), bad);
    }
  }

  @Test
  void pathsAreToldApartFromIds() {
    for (String path : new String[] {"/abs/model", "./model", "../shared/x", "~/models/x", "a/b/c", "dir\\model",
        "org/name/"}) {
      assertTrue(ModelSources.looksLikePath(path), path);
    }
    for (String id : new String[] {"bert-base-uncased", "org/name", "org/name@refs/pr/1"}) {
      assertFalse(ModelSources.looksLikePath(id), id);
    }
  }
}
