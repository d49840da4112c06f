package dev.tunekit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.model.AutoModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hub ids against a local stand-in for the Hub: files land in huggingface_hub's cache layout,
 * the cache is used before the network, partial downloads resume, and every failure a user can
 * meet is one line saying what to do.
 */
class HubDownloadTest {
  static final String[] FILES = {"config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
      "vocab.txt", "model.safetensors"};
  static final String MINILM = "sentence-transformers/all-MiniLM-L6-v2";
  static final String TINY = "tiny/bert";

  @TempDir Path tmp;
  FakeHub hub;
  Path cache;
  Path tinyFolder;

  @BeforeEach
  void start() throws IOException {
    tinyFolder = Fixtures.fixture("tiny-bert").resolve("model");
    Path binOnly = Files.createDirectories(tmp.resolve("bin-only"));
    Files.copy(tinyFolder.resolve("config.json"), binOnly.resolve("config.json"));
    Files.copy(tinyFolder.resolve("tokenizer.json"), binOnly.resolve("tokenizer.json"));
    Files.write(binOnly.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2, 'x'});
    hub = new FakeHub()
        .add(MINILM, Fixtures.miniLm(), FILES)
        .add(TINY, tinyFolder, FILES)
        .addGated("gated/bert", "s3cret", tinyFolder, FILES)
        .add("old/bin-only", binOnly, "config.json", "tokenizer.json", "pytorch_model.bin")
        .add("lean/bert", tinyFolder, "config.json", "tokenizer.json", "model.safetensors")
        .rename("tiny-bert-v0", TINY);
    cache = settings().hubCache();
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  HubSettings settings() {
    return hub.settings(tmp);
  }

  Path find(HubSettings settings, String spec) {
    return new ModelSources(settings).find(spec);
  }

  Path find(String spec) {
    return find(settings(), spec);
  }

  /** Runs a lookup that must fail; returns its one-line message. */
  static String fails(Runnable lookup) {
    TunekitException e = assertThrows(TunekitException.class, lookup::run);
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  Path repo(String id) {
    return cache.resolve("models--" + id.replace("/", "--"));
  }

  static String sha256(Path file) throws IOException {
    return FakeHub.hex("SHA-256", Files.readAllBytes(file));
  }

  @Test
  void downloadsIntoPythonsCacheLayout() throws IOException {
    Path dir = find(MINILM);
    String commit = hub.commit(MINILM);
    Path repo = cache.resolve("models--sentence-transformers--all-MiniLM-L6-v2");
    assertEquals(repo.resolve("snapshots").resolve(commit), dir);
    assertEquals(commit, Files.readString(repo.resolve("refs/main")), "refs/main holds the bare commit hash");
    for (String file : FILES) {
      Path reference = Fixtures.miniLm().resolve(file);
      // Blobs are named by the Hub's ETag: sha256 for LFS files, git's blob sha1 for the others.
      String etag = FakeHub.isLfs(file) ? sha256(reference) : FakeHub.gitSha1(Files.readAllBytes(reference));
      assertTrue(Files.isSymbolicLink(dir.resolve(file)), file + " is a link");
      assertEquals(Path.of("../../blobs/" + etag), Files.readSymbolicLink(dir.resolve(file)), file);
      assertEquals(-1, Files.mismatch(reference, dir.resolve(file)), file + " arrived intact");
    }
    try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
      assertEquals(FILES.length, blobs.filter(b -> !b.toString().endsWith(".incomplete")).count());
    }
    assertFalse(Files.exists(repo.resolve(".no_exist")), "every file exists");
    assertTrue(hub.requests.stream().anyMatch(r -> r.path().startsWith("/cdn/")), "weights came from the CDN");
    assertTrue(hub.requests.stream().allMatch(r -> r.authorization() == null), "no token, no Authorization");

    hub.requests.clear();
    assertEquals(dir, find(MINILM));
    assertEquals(dir, find(settings().withOffline(true), MINILM));
    assertEquals(List.of(), hub.requests, "a cached model costs no traffic");
  }

  @Test
  void reusesWhatPythonDownloadedWithoutTraffic() throws IOException {
    // The cache as huggingface_hub writes it: blobs by ETag, relative links, refs/main.
    String commit = "0123456789abcdef0123456789abcdef01234567";
    Path repo = cache.resolve("models--google--tiny-bert");
    Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
    Files.createDirectories(repo.resolve("blobs"));
    for (String file : FILES) {
      String etag = FakeHub.isLfs(file) ? sha256(tinyFolder.resolve(file))
          : FakeHub.gitSha1(Files.readAllBytes(tinyFolder.resolve(file)));
      Files.copy(tinyFolder.resolve(file), repo.resolve("blobs").resolve(etag));
      Files.createSymbolicLink(snapshot.resolve(file), Path.of("../../blobs", etag));
    }
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), commit);

    HubSettings unreachable = settings().withEndpoint("http://127.0.0.1:" + closedPort());
    Path dir = find(unreachable, "google/tiny-bert");
    assertEquals(snapshot, dir);
    assertEquals(snapshot, find(unreachable, "google/tiny-bert@" + commit));
    assertEquals("bert", AutoModel.config(dir).modelType());
    assertEquals(List.of(), hub.requests);
  }

  @Test
  void branchTagAndCommitRevisions() throws IOException {
    String commit = hub.commit(TINY);
    Path main = find(TINY);
    hub.requests.clear();
    assertEquals(main, find(TINY + "@v1"));
    assertEquals(commit, Files.readString(repo(TINY).resolve("refs/v1")));
    assertEquals(List.of(), hub.requests("GET"), "a second revision of the same files reuses the blobs");
    assertEquals(main, find(TINY + "@" + commit));
    assertFalse(Files.exists(repo(TINY).resolve("refs").resolve(commit)), "a commit needs no ref");
  }

  @Test
  void renamedRepoIsFollowedAndCachedUnderTheNameAsked() {
    Path dir = find("tiny-bert-v0");
    assertEquals(repo("tiny-bert-v0").resolve("snapshots").resolve(hub.commit(TINY)), dir);
    assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
  }

  @Test
  void unknownRepoIsOneLine() {
    String line = fails(() -> find("nobody/nothing")); // 401 without a token
    assertTrue(line.contains("nobody/nothing is neither a local folder nor a model on " + hub.endpoint())
        && line.contains("if it is private, set HF_TOKEN"), line);
    line = fails(() -> find(settings().withToken("t"), "nobody/nothing")); // 404 with one
    assertTrue(line.contains("nobody/nothing is neither a local folder nor a model on " + hub.endpoint())
        && line.contains("check the name"), line);
  }

  @Test
  void optionalFilesMayBeAbsentAndPythonsMarkersSayWhich() {
    Path dir = find("lean/bert");
    String commit = hub.commit("lean/bert");
    for (String file : List.of("tokenizer_config.json", "special_tokens_map.json", "vocab.txt")) {
      assertFalse(Files.exists(dir.resolve(file)), file);
      assertTrue(Files.isRegularFile(repo("lean/bert").resolve(".no_exist").resolve(commit).resolve(file)), file);
    }
    assertEquals("bert", AutoModel.config(dir).modelType());
    hub.requests.clear();
    assertEquals(dir, find("lean/bert"));
    assertEquals(List.of(), hub.requests);
  }

  @Test
  void unknownRevisionOnServerAndInCache() {
    String line = fails(() -> find(TINY + "@nope"));
    assertTrue(line.contains("revision 'nope' of tiny/bert does not exist"), line);
    find(TINY);
    line = fails(() -> find(settings().withOffline(true), TINY + "@nope"));
    assertTrue(line.contains("revision 'nope' of tiny/bert is not in the HF cache") && line.contains("has main"), line);
  }

  @Test
  void gatedRepoNeedsTheToken() {
    String line = fails(() -> find("gated/bert"));
    assertTrue(line.contains("gated") && line.contains("HF_TOKEN"), line);
    line = fails(() -> find(settings().withToken("wrong"), "gated/bert"));
    assertTrue(line.contains("the token in HF_TOKEN has no access"), line);

    hub.requests.clear();
    Path dir = find(settings().withToken("s3cret"), "gated/bert");
    assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
    for (FakeHub.Request r : hub.requests) {
      boolean cdn = r.path().startsWith("/cdn/");
      assertEquals(cdn ? null : "Bearer s3cret", r.authorization(), "token to the Hub, never to the CDN: " + r);
    }
  }

  @Test
  void interruptedDownloadResumesWhereItStopped() throws IOException {
    String sha = sha256(tinyFolder.resolve("model.safetensors"));
    long size = Files.size(tinyFolder.resolve("model.safetensors"));
    hub.interruptNextDownload("model.safetensors");
    String line = fails(() -> find(TINY));
    assertTrue(line.contains("run the same command again to resume"), line);
    Path part = repo(TINY).resolve("blobs").resolve(sha + ".incomplete");
    // The server sent half; a dropped connection may lose its last few KB in flight (TCP reset), so the
    // client keeps what reached it: something, at most half, and exactly what it says it received.
    long kept = Files.size(part);
    assertTrue(kept > 0 && kept <= size / 2, "the bytes received are kept: " + kept + " of " + size / 2 + " sent");
    assertTrue(line.contains("stopped at " + Log.size(kept)), line);
    assertFalse(Files.exists(repo(TINY).resolve("refs/main")), "no ref to an unfinished snapshot");

    hub.requests.clear();
    Path dir = find(TINY);
    assertEquals(List.of("bytes=" + kept + "-"), hub.requests("GET").stream()
        .filter(r -> r.path().startsWith("/cdn/")).map(FakeHub.Request::range).toList());
    assertEquals(-1, Files.mismatch(tinyFolder.resolve("model.safetensors"), dir.resolve("model.safetensors")));
    assertFalse(Files.exists(part));
  }

  @Test
  void stalledDownloadTimesOutAndResumes() throws IOException {
    long size = Files.size(tinyFolder.resolve("model.safetensors"));
    hub.stallNextDownload("model.safetensors");
    HubSettings impatient = settings().withTimeout(java.time.Duration.ofMillis(500));
    long start = System.nanoTime();
    String line = fails(() -> find(impatient, TINY));
    assertTrue(line.contains("no data for") && line.contains("HF_HUB_DOWNLOAD_TIMEOUT") && line.contains("resume"), line);
    assertTrue(System.nanoTime() - start < 10_000_000_000L, "gave up after the timeout, not the server's 30 s");
    Path part = repo(TINY).resolve("blobs").resolve(sha256(tinyFolder.resolve("model.safetensors")) + ".incomplete");
    long kept = Files.size(part); // all that was sent, unless the client stalled too (a loaded machine)
    assertTrue(kept > 0 && kept <= size / 2, "kept " + kept + " of " + size / 2 + " sent");
    Path dir = find(impatient, TINY);
    assertEquals(-1, Files.mismatch(tinyFolder.resolve("model.safetensors"), dir.resolve("model.safetensors")));
    assertTrue(hub.requests("GET").stream().anyMatch(r -> ("bytes=" + kept + "-").equals(r.range())));
  }

  @Test
  void corruptPartialDownloadIsFetchedAfresh() throws IOException {
    String sha = sha256(tinyFolder.resolve("model.safetensors"));
    Path part = Files.createDirectories(repo(TINY).resolve("blobs")).resolve(sha + ".incomplete");
    Files.write(part, new byte[1000]); // zeros: not what the file starts with
    Path dir = find(TINY);
    List<String> ranges = hub.requests("GET").stream().filter(r -> r.path().startsWith("/cdn/"))
        .map(FakeHub.Request::range).toList();
    assertEquals("bytes=1000-", ranges.get(0));
    assertNull(ranges.get(1), "after the checksum failed, one full download");
    assertEquals(-1, Files.mismatch(tinyFolder.resolve("model.safetensors"), dir.resolve("model.safetensors")));
  }

  @Test
  void truncatedBlobIsReplaced() throws IOException {
    Path dir = find(TINY);
    Path blob = dir.resolve("model.safetensors").toRealPath();
    byte[] all = Files.readAllBytes(blob);
    Files.write(blob, java.util.Arrays.copyOf(all, all.length / 3));
    Files.delete(dir.resolve("model.safetensors")); // Python re-checks what the snapshot lacks
    assertEquals(dir, find(TINY));
    assertEquals(-1, Files.mismatch(tinyFolder.resolve("model.safetensors"), dir.resolve("model.safetensors")));
  }

  @Test
  void corruptTransferIsRejectedAndNothingKept() throws IOException {
    byte[] bad = Files.readAllBytes(tinyFolder.resolve("model.safetensors"));
    bad[bad.length - 1] ^= 1;
    hub.corrupt("model.safetensors", bad);
    String line = fails(() -> find(TINY));
    assertTrue(line.contains("model.safetensors of tiny/bert arrived corrupted (sha256"), line);
    String sha = sha256(tinyFolder.resolve("model.safetensors"));
    assertFalse(Files.exists(repo(TINY).resolve("blobs").resolve(sha)));
    assertFalse(Files.exists(repo(TINY).resolve("blobs").resolve(sha + ".incomplete")));
    assertFalse(Files.exists(repo(TINY).resolve("snapshots").resolve(hub.commit(TINY)).resolve("model.safetensors")));
  }

  @Test
  void pickleOnlyRepoIsRefusedWithTheConversion() {
    String line = fails(() -> find("old/bin-only"));
    assertTrue(line.contains("old/bin-only has only pytorch_model.bin") && line.contains("safe_serialization=True")
        && line.contains("from_pretrained(\"old/bin-only\")"), line);
    assertTrue(hub.requests.stream().noneMatch(r -> r.method().equals("GET") && r.path().endsWith(".bin")),
        "the pickle is never downloaded");
  }

  @Test
  void danglingSnapshotLink() throws IOException {
    Path dir = find(TINY);
    Files.delete(dir.resolve("model.safetensors").toRealPath());
    String line = fails(() -> find(settings().withOffline(true), TINY));
    assertTrue(line.contains(dir.resolve("model.safetensors") + " is a dangling link"), line);
    assertEquals(dir, find(TINY), "online, the lost blob is fetched again");
    assertEquals(-1, Files.mismatch(tinyFolder.resolve("model.safetensors"), dir.resolve("model.safetensors")));
  }

  @Test
  void offlineAndAbsent() {
    String line = fails(() -> find(settings().withOffline(true), TINY));
    assertTrue(line.contains("tiny/bert is neither a local folder nor in the HF cache") && line.contains("HF_HUB_OFFLINE"),
        line);
    assertEquals(List.of(), hub.requests);
  }

  @Test
  void unreachableHubAndAbsent() throws IOException {
    int port = closedPort();
    String line = fails(() -> find(settings().withEndpoint("http://127.0.0.1:" + port), TINY));
    assertTrue(line.startsWith("cannot reach http://127.0.0.1:" + port) && line.contains("not in the HF cache"), line);
  }

  @Test
  void plainHttpIsOnlyForThisMachine() {
    String line = fails(() -> find(settings().withEndpoint("http://hub.example.com"), TINY));
    assertTrue(line.contains("HTTPS only"), line);
  }

  @Test
  void badSpecsAreOneLine() {
    assertTrue(fails(() -> find("org/na me")).contains("'org/na me' is not a Hub model id"));
    assertTrue(fails(() -> find("org/name@../../etc")).contains("not a valid revision"));
    assertTrue(fails(() -> find("a/b/c")).contains("a/b/c: model folder not found"));
    assertEquals(List.of(), hub.requests);
  }

  @Test
  void snapshotLinkLeadingOutOfTheCacheIsRefused() throws IOException {
    Path dir = find(TINY);
    Path outside = Files.copy(tinyFolder.resolve("config.json"), tmp.resolve("elsewhere.json"));
    Files.delete(dir.resolve("config.json"));
    Files.createSymbolicLink(dir.resolve("config.json"), outside);
    for (HubSettings s : List.of(settings().withOffline(true), settings())) {
      String line = fails(() -> find(s, TINY));
      assertEquals(dir.resolve("config.json") + " leads out of the HF cache (to " + outside.toRealPath() + "); delete "
          + dir + " and run again to download the model afresh", line);
    }
  }

  @Test
  void refThatIsNotACommitCannotPointAnywhere() throws IOException {
    find(TINY);
    Files.writeString(repo(TINY).resolve("refs/main"), "../../../../../etc");
    String line = fails(() -> find(settings().withOffline(true), TINY));
    assertTrue(line.startsWith(repo(TINY).resolve("refs/main") + ": holds '../../../../../etc', not a commit hash"), line);
  }

  @Test
  void forgedEtagOrCommitCannotNameAPathOutsideTheCache() throws IOException {
    hub.forge("config.json", java.util.Map.of("ETag", "\"../../../../escaped\""));
    String line = fails(() -> find(TINY));
    assertTrue(line.contains("has an unusable ETag '../../../../escaped'"), line);
    hub.forge("config.json", java.util.Map.of("X-Repo-Commit", "../../escaped"));
    line = fails(() -> find(TINY));
    assertTrue(line.contains("X-Repo-Commit '../../escaped', not a commit hash"), line);
    try (Stream<Path> all = Files.walk(tmp)) {
      assertTrue(all.noneMatch(p -> p.getFileName().toString().contains("escaped")), "nothing written by those names");
    }
  }

  @Test
  void smallFileNotMatchingItsGitSha1IsRejected() {
    hub.forge("config.json", java.util.Map.of("ETag", "\"" + "0".repeat(40) + "\""));
    String line = fails(() -> find(TINY));
    assertTrue(line.contains("config.json of tiny/bert arrived corrupted (git sha1 ") && line.contains("expected "
        + "0".repeat(40)), line);
    assertFalse(Files.exists(repo(TINY).resolve("blobs").resolve("0".repeat(40))), "nothing kept");
  }

  @Test
  void weightsRedirectedToPlainHttpAreRefused() {
    hub.forge("model.safetensors", java.util.Map.of("Location", "http://cdn.example.com/weights"));
    String line = fails(() -> find(TINY));
    assertTrue(line.endsWith("redirects to http://cdn.example.com, which is not HTTPS; refused (weights must not "
        + "travel unprotected)"), line);
    assertTrue(hub.requests("GET").stream().noneMatch(r -> r.path().contains("weights")));
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
