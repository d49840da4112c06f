package dev.tunekit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.TunekitException;
import dev.tunekit.data.DataLocations;
import dev.tunekit.data.DataOptions;
import dev.tunekit.data.Datasets;
import dev.tunekit.data.TextDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hub dataset ids against the local stand-in for the Hub, serving ../shared's Rotten Tomatoes as
 * the Hub serves it: a Parquet export on refs/convert/parquet and a card with the ClassLabel names.
 */
class HubDatasetsTest {
  static final String RT = "cornell-movie-review-data/rotten_tomatoes";
  static final String CARD = "---\ndataset_info:\n  features:\n  - name: text\n    dtype: string\n"
      + "  - name: label\n    dtype:\n      class_label:\n        names:\n          '0': neg\n          '1': pos\n"
      + "---\n# Rotten Tomatoes\n";

  @TempDir static Path served;
  static Path export;
  static Path card;
  static Path noValidation;
  static TextDataset jsonl;

  @TempDir Path tmp;
  /** A Hub of its own for every test (JUnit makes a new instance for each). */
  final FakeHub hub = new FakeHub()
      .addDataset(RT, null, export, card)
      .addDataset("gated/reviews", "s3cret", export, card)
      .addDataset("tiny/no-validation", null, noValidation, null);

  /** The export as the Hub's converter lays it out: train in two shards, the rest in one. */
  @BeforeAll
  static void convertToParquet() throws IOException, SQLException {
    Path rt = Fixtures.shared().resolve("data/rotten_tomatoes");
    export = served.resolve("rt");
    noValidation = served.resolve("no-validation");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
      String train = "read_json_auto('" + rt.resolve("train.jsonl") + "')";
      copy(sql, "SELECT * FROM " + train + " LIMIT 5000", export.resolve("default/train/0000.parquet"));
      copy(sql, "SELECT * FROM " + train + " OFFSET 5000", export.resolve("default/train/0001.parquet"));
      for (String split : List.of("validation", "test")) {
        copy(sql, "SELECT * FROM read_json_auto('" + rt.resolve(split + ".jsonl") + "')",
            export.resolve("default/" + split + "/0000.parquet"));
      }
      String rows = "SELECT * FROM (VALUES ('fine', 1), ('awful', 0)) t(text, label)";
      copy(sql, rows, noValidation.resolve("default/train/0000.parquet"));
      copy(sql, rows, noValidation.resolve("default/test/0000.parquet"));
    }
    card = Files.writeString(Files.createDirectories(served.resolve("card")).resolve("README.md"), CARD);
    jsonl = Datasets.load(DataOptions.of(rt.toString()));
  }

  static void copy(Statement sql, String query, Path to) throws IOException, SQLException {
    Files.createDirectories(to.getParent());
    sql.execute("COPY (" + query + ") TO '" + to + "' (FORMAT parquet)");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  HubSettings settings() {
    return hub.settings(tmp);
  }

  /** Where the HF cache keeps rotten_tomatoes: Python's folder name for a dataset repo. */
  Path rtRepo() {
    return settings().hubCache().resolve("datasets--cornell-movie-review-data--rotten_tomatoes");
  }

  static TextDataset load(HubSettings settings, String spec) {
    return Datasets.load(DataOptions.of(spec), new DataLocations(null, settings));
  }

  static String fails(HubSettings settings, String spec) {
    TunekitException e = assertThrows(TunekitException.class, () -> load(settings, spec));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  static void assertSameAsJsonl(TextDataset ds) {
    assertEquals(List.of("neg", "pos"), ds.labels().names());
    assertEquals(8530, ds.train().size());
    assertEquals(1066, ds.validation().size());
    assertEquals(1066, ds.test().size());
    for (String split : List.of(TextDataset.TRAIN, TextDataset.VALIDATION, TextDataset.TEST)) {
      assertEquals(jsonl.split(split).fingerprint(), ds.split(split).fingerprint(), split + ": same rows, same order");
    }
  }

  @Test
  void rottenTomatoesComesFromTheParquetExportIntoPythonsCacheLayout() throws IOException {
    TextDataset ds = load(settings(), "rotten_tomatoes");
    assertSameAsJsonl(ds);
    assertEquals("rotten_tomatoes", ds.name());

    Path repo = rtRepo();
    for (String folder : List.of("blobs", "refs", "snapshots")) {
      assertTrue(Files.isDirectory(repo.resolve(folder)), folder);
    }
    String parquetCommit = hub.commit("datasets/" + RT, FakeHub.PARQUET);
    String mainCommit = hub.commit("datasets/" + RT, "main");
    assertEquals(parquetCommit, Files.readString(repo.resolve("refs/refs/convert/parquet")), "the branch's ref");
    assertEquals(mainCommit, Files.readString(repo.resolve("refs/main")), "the card's ref");
    Path snapshot = repo.resolve("snapshots").resolve(parquetCommit);
    for (String file : List.of("default/train/0000.parquet", "default/train/0001.parquet",
        "default/validation/0000.parquet", "default/test/0000.parquet")) {
      Path link = snapshot.resolve(file);
      String sha256 = FakeHub.hex("SHA-256", Files.readAllBytes(export.resolve(file)));
      assertEquals(Path.of("../../../../blobs/" + sha256), Files.readSymbolicLink(link), file);
      assertEquals(-1, Files.mismatch(export.resolve(file), link), file + " arrived intact");
    }
    Path cardLink = repo.resolve("snapshots").resolve(mainCommit).resolve("README.md");
    assertEquals(Path.of("../../blobs/" + FakeHub.gitSha1(Files.readAllBytes(card))), Files.readSymbolicLink(cardLink));
    assertTrue(hub.requests.stream().allMatch(r -> r.authorization() == null), "no token, no Authorization");

    hub.requests.clear();
    assertSameAsJsonl(load(settings(), "rotten_tomatoes"));
    assertSameAsJsonl(load(settings().withOffline(true), RT));
    assertEquals(List.of(), hub.requests, "a cached dataset costs no traffic");
  }

  @Test
  void interruptedShardResumesWhereItStopped() throws IOException {
    hub.interruptNextDownload("0000.parquet"); // train's first shard, the first one fetched
    String line = fails(settings(), RT);
    assertTrue(line.contains("the download of default/train/0000.parquet stopped at")
        && line.contains("run the same command again to resume"), line);
    Path repo = rtRepo();
    assertFalse(Files.exists(repo.resolve("refs/refs/convert/parquet")), "no ref to an unfinished snapshot");

    hub.requests.clear();
    assertSameAsJsonl(load(settings(), RT));
    // The server cut the transfer after half the file; what reached the disk before the cut (all of
    // it, or less when the connection dropped with bytes in flight) is kept, and only the rest is asked for.
    long half = Files.size(export.resolve("default/train/0000.parquet")) / 2;
    List<String> ranges = hub.requests("GET").stream()
        .filter(r -> r.path().startsWith("/cdn/") && r.range() != null).map(FakeHub.Request::range).toList();
    assertEquals(1, ranges.size(), ranges.toString());
    long resumedAt = Long.parseLong(ranges.get(0).replaceAll("^bytes=(\\d+)-$", "$1"));
    assertTrue(resumedAt > 0 && resumedAt <= half, "resumed at " + resumedAt + " of " + 2 * half);
  }

  @Test
  void reusesWhatPythonDownloadedWithoutTraffic() throws IOException {
    // snapshot_download(RT, repo_type="dataset", revision="refs/convert/parquet"), and the card at main.
    Path repo = rtRepo();
    String commit = "0123456789abcdef0123456789abcdef01234567";
    for (String file : List.of("default/train/0000.parquet", "default/train/0001.parquet",
        "default/validation/0000.parquet", "default/test/0000.parquet")) {
      pythonBlob(repo, commit, file, export.resolve(file));
    }
    Files.writeString(Files.createDirectories(repo.resolve("refs/refs/convert")).resolve("parquet"), commit);
    String mainCommit = "89abcdef0123456789abcdef0123456789abcdef";
    Path otherCard = Files.writeString(tmp.resolve("README.md"), CARD.replace("neg", "bad").replace("pos", "good"));
    pythonBlob(repo, mainCommit, "README.md", otherCard);
    Files.writeString(repo.resolve("refs/main"), mainCommit);

    HubSettings unreachable = settings().withEndpoint("http://127.0.0.1:" + HubDownloadTest.closedPort());
    TextDataset ds = load(unreachable, RT);
    assertEquals(List.of("bad", "good"), ds.labels().names(), "the names come from the cached card");
    assertEquals(jsonl.train().fingerprint(), ds.train().fingerprint());
    assertEquals(jsonl.test().fingerprint(), ds.test().fingerprint());
    assertEquals(List.of(), hub.requests);
  }

  static void pythonBlob(Path repo, String commit, String file, Path content) throws IOException {
    String etag = FakeHub.hex("SHA-256", Files.readAllBytes(content));
    Files.copy(content, Files.createDirectories(repo.resolve("blobs")).resolve(etag),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path link = repo.resolve("snapshots").resolve(commit).resolve(file);
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, link.getParent().relativize(repo.resolve("blobs").resolve(etag)));
  }

  @Test
  void offlineAndAbsent() {
    String line = fails(settings().withOffline(true), "rotten_tomatoes");
    assertTrue(line.contains("dataset " + RT + " is neither a local folder nor in the HF cache")
        && line.contains("HF_HUB_OFFLINE") && line.contains("TUNEKIT_DATA"), line);
    assertEquals(List.of(), hub.requests);
  }

  @Test
  void unknownDatasetIsOneLine() {
    String line = fails(settings(), "nobody/nothing"); // 401 without a token
    assertTrue(line.contains("nobody/nothing is neither a local folder nor a dataset on " + hub.endpoint())
        && line.contains("if it is private, set HF_TOKEN"), line);
    line = fails(settings().withToken("t"), "nobody/nothing"); // 404 with one
    assertTrue(line.contains("nobody/nothing is neither a local folder nor a dataset on " + hub.endpoint())
        && line.contains("check the name"), line);
  }

  @Test
  void gatedDatasetNeedsTheToken() {
    String line = fails(settings(), "gated/reviews");
    assertTrue(line.contains("gated/reviews is a gated dataset: accept its terms at " + hub.endpoint()
        + "/datasets/gated/reviews") && line.contains("HF_TOKEN"), line);
    hub.requests.clear();
    assertSameAsJsonl(load(settings().withToken("s3cret"), "gated/reviews"));
    for (FakeHub.Request r : hub.requests) {
      assertEquals(r.path().startsWith("/cdn/") ? null : "Bearer s3cret", r.authorization(), "never to the CDN: " + r);
    }
  }

  @Test
  void exportWithoutAValidationSplit() {
    String line = fails(settings(), "tiny/no-validation");
    assertTrue(line.contains("tiny/no-validation's Parquet export (config 'default') has the splits [test, train] "
        + "but no validation split"), line);
    assertTrue(hub.requests("GET").stream().noneMatch(r -> r.path().startsWith("/cdn/")), "nothing downloaded");
  }

  @Test
  void pinnedRevisionMustBeACommitOfTheExport() {
    String line = fails(settings(), RT + "@main");
    assertTrue(line.contains(RT + " has no default/train/0000.parquet at revision main of its Parquet export"), line);
    String commit = hub.commit("datasets/" + RT, FakeHub.PARQUET);
    assertSameAsJsonl(load(settings(), RT + "@" + commit));
    assertFalse(Files.exists(rtRepo().resolve("refs").resolve(commit)), "a commit needs no ref");
  }
}
