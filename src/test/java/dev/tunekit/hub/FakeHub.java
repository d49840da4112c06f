package dev.tunekit.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stand-in for the Hub's file API on 127.0.0.1, following what huggingface_hub relies on:
 * {@code /{repo}/resolve/{revision}/{file}} answers with {@code X-Repo-Commit}, the git-sha1
 * {@code ETag} of small files, and for LFS files (weights) a 302 to a CDN host (here "localhost",
 * another host name, so a token must not follow) with {@code X-Linked-Etag} (sha256) and
 * {@code X-Linked-Size}; errors carry the Hub's {@code X-Error-Code}. The CDN honours {@code Range}.
 * Datasets live under {@code /datasets/{id}}: their Parquet export on the branch
 * {@code refs/convert/parquet} (its own commit, listed by {@code /api/datasets/{id}/parquet}) and
 * their card on {@code main}.
 */
final class FakeHub implements AutoCloseable {
  record Request(String method, String path, String authorization, String range) {}

  /** The files of one commit. */
  private record Tree(Path folder, Set<String> files, String commit) {}

  /** A repo: its branches (and tags) and who may read it. */
  private record Repo(Map<String, Tree> branches, String token) {
    /** The tree a branch, tag or commit names, or null. */
    Tree at(String revision) {
      return branches.getOrDefault(revision,
          branches.values().stream().filter(t -> t.commit().equals(revision)).findFirst().orElse(null));
    }
  }

  static final String PARQUET = "refs/convert/parquet";

  private final HttpServer server;
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final Map<String, String> renamed = new ConcurrentHashMap<>();
  private final Map<String, Path> blobs = new ConcurrentHashMap<>();
  private final Map<String, byte[]> corrupted = new ConcurrentHashMap<>();
  private final Map<String, Map<String, String>> forged = new ConcurrentHashMap<>();
  private final Set<String> interruptOnce = ConcurrentHashMap.newKeySet();
  private final Set<String> stallOnce = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeHub() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(handlers); // a stalled answer must not hold up the next request
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Settings that talk to this Hub, anonymously, with the HF cache and tunekit's cache under {@code dir}. */
  HubSettings settings(Path dir) {
    return new HubSettings(dir.resolve("hf-cache"), endpoint(), null, false, dir.resolve("tunekit-cache"));
  }

  /** Serves {@code files} of {@code folder} as model {@code id}, on branch main and tag v1. */
  FakeHub add(String id, Path folder, String... files) {
    return addGated(id, null, folder, files);
  }

  /** As {@link #add}, readable only with {@code Authorization: Bearer token}. */
  FakeHub addGated(String id, String token, Path folder, String... files) {
    Tree tree = new Tree(folder, Set.of(files), sha1Hex(id.getBytes(StandardCharsets.UTF_8)));
    repos.put(id, new Repo(Map.of("main", tree, "v1", tree), token));
    return this;
  }

  /**
   * Serves dataset {@code id}: every file under {@code export} (config/split/0000.parquet) on
   * refs/convert/parquet, and {@code card} (a README.md, or null for none) on main; readable only
   * with the token when there is one.
   */
  FakeHub addDataset(String id, String token, Path export, Path card) {
    Set<String> exported;
    try (Stream<Path> files = Files.walk(export)) {
      exported = files.filter(Files::isRegularFile).map(f -> export.relativize(f).toString())
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Tree parquet = new Tree(export, exported, sha1Hex(("parquet:" + id).getBytes(StandardCharsets.UTF_8)));
    Tree main = new Tree(card == null ? export : card.getParent(), card == null ? Set.of() : Set.of("README.md"),
        sha1Hex(("main:" + id).getBytes(StandardCharsets.UTF_8)));
    repos.put("datasets/" + id, new Repo(Map.of("main", main, PARQUET, parquet), token));
    return this;
  }

  /** A repo that moved: the Hub answers its old id with a relative redirect. */
  FakeHub rename(String oldId, String newId) {
    renamed.put(oldId, newId);
    return this;
  }

  String commit(String id) {
    return commit(id, "main");
  }

  /** The commit of a branch; datasets are named "datasets/org/name". */
  String commit(String id, String branch) {
    return repos.get(id).branches().get(branch).commit();
  }

  /** The next CDN download of {@code file} drops the connection after half its bytes. */
  void interruptNextDownload(String file) {
    interruptOnce.add(file);
  }

  /** The next CDN download of {@code file} sends half its bytes, then nothing, keeping the connection. */
  void stallNextDownload(String file) {
    stallOnce.add(file);
  }

  /** The CDN serves these bytes for {@code file} instead of the real ones (same length). */
  void corrupt(String file, byte[] bytes) {
    corrupted.put(file, bytes);
  }

  /** The Hub's answer about {@code file} carries these headers instead of the true ones (a hostile mirror). */
  void forge(String file, Map<String, String> headers) {
    forged.put(file, headers);
  }

  List<Request> requests(String method) {
    return requests.stream().filter(r -> r.method().equals(method)).toList();
  }

  static boolean isLfs(String file) {
    return file.endsWith(".safetensors") || file.endsWith(".bin") || file.endsWith(".parquet");
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getRawPath();
    requests.add(new Request(x.getRequestMethod(), path, x.getRequestHeaders().getFirst("Authorization"),
        x.getRequestHeaders().getFirst("Range")));
    try (x) {
      if (path.startsWith("/cdn/")) {
        serveCdn(x, path.substring("/cdn/".length()));
      } else if (path.startsWith("/api/datasets/") && path.endsWith("/parquet")) {
        serveParquetListing(x, path.substring("/api/".length(), path.length() - "/parquet".length()));
      } else if (path.contains("/resolve/")) {
        serveResolve(x, path);
      } else {
        reply(x, 404, Map.of(), null);
      }
    }
  }

  private void serveResolve(HttpExchange x, String path) throws IOException {
    int at = path.indexOf("/resolve/");
    String id = path.substring(1, at);
    String rest = path.substring(at + "/resolve/".length());
    String revision = URLDecoder.decode(rest.substring(0, rest.indexOf('/')), StandardCharsets.UTF_8);
    String file = rest.substring(rest.indexOf('/') + 1);
    if (renamed.containsKey(id)) {
      reply(x, 307, Map.of("Location", "/" + renamed.get(id) + "/resolve/" + rest), null);
      return;
    }
    Repo repo = readable(x, id);
    if (repo == null) {
      return;
    }
    Tree tree = repo.at(revision);
    if (tree == null) {
      reply(x, 404, Map.of("X-Error-Code", "RevisionNotFound"), null);
      return;
    }
    if (!tree.files().contains(file)) {
      reply(x, 404, Map.of("X-Error-Code", "EntryNotFound", "X-Repo-Commit", tree.commit()), null);
      return;
    }
    byte[] bytes = Files.readAllBytes(tree.folder().resolve(file));
    Map<String, String> headers = new HashMap<>(Map.of("X-Repo-Commit", tree.commit()));
    if (isLfs(file)) {
      String sha256 = hex("SHA-256", bytes);
      blobs.put(sha256, tree.folder().resolve(file));
      headers.put("ETag", "\"" + gitSha1(("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256)
          .getBytes(StandardCharsets.UTF_8)) + "\"");
      headers.put("X-Linked-Etag", "\"" + sha256 + "\"");
      headers.put("X-Linked-Size", Long.toString(bytes.length));
      headers.put("Location", "http://localhost:" + server.getAddress().getPort() + "/cdn/" + sha256);
      headers.putAll(forged.getOrDefault(file, Map.of()));
      reply(x, 302, headers, null);
      return;
    }
    headers.put("ETag", "\"" + gitSha1(bytes) + "\"");
    headers.putAll(forged.getOrDefault(file, Map.of()));
    reply(x, 200, headers, bytes);
  }

  /** The repo, or null after answering as the Hub does to those who may not read it. */
  private Repo readable(HttpExchange x, String id) throws IOException {
    Repo repo = repos.get(id);
    if (repo == null) {
      // As the Hub: 401 to anonymous callers (a private repo's existence is not revealed), else 404.
      boolean anonymous = x.getRequestHeaders().getFirst("Authorization") == null;
      reply(x, anonymous ? 401 : 404, Map.of("X-Error-Code", "RepoNotFound"), null);
      return null;
    }
    if (repo.token() != null && !("Bearer " + repo.token()).equals(x.getRequestHeaders().getFirst("Authorization"))) {
      reply(x, 401, Map.of("X-Error-Code", "GatedRepo"), null);
      return null;
    }
    return repo;
  }

  /** {@code {"config": {"split": [".../parquet/config/split/0.parquet", ...]}}}, as the Hub's API. */
  private void serveParquetListing(HttpExchange x, String id) throws IOException {
    Repo repo = readable(x, id);
    if (repo == null) {
      return;
    }
    Map<String, Map<String, List<String>>> listing = new TreeMap<>();
    for (String file : new TreeSet<>(repo.branches().get(PARQUET).files())) {
      String[] parts = file.split("/");
      int shard = Integer.parseInt(parts[2].replace(".parquet", ""));
      listing.computeIfAbsent(parts[0], c -> new TreeMap<>()).computeIfAbsent(parts[1], s -> new ArrayList<>())
          .add(endpoint() + "/api/" + id + "/parquet/" + parts[0] + "/" + parts[1] + "/" + shard + ".parquet");
    }
    reply(x, 200, Map.of("Content-Type", "application/json"), new ObjectMapper().writeValueAsBytes(listing));
  }

  private void serveCdn(HttpExchange x, String sha256) throws IOException {
    Path file = blobs.get(sha256);
    if (file == null) {
      reply(x, 404, Map.of(), null);
      return;
    }
    String name = file.getFileName().toString();
    byte[] bytes = corrupted.getOrDefault(name, Files.readAllBytes(file));
    String range = x.getRequestHeaders().getFirst("Range");
    int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
    if (from >= bytes.length) {
      reply(x, 416, Map.of("Content-Range", "bytes */" + bytes.length), null);
      return;
    }
    Map<String, String> headers = range == null ? Map.of()
        : Map.of("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
    int status = range == null ? 200 : 206;
    int length = bytes.length - from;
    boolean interrupt = interruptOnce.remove(name);
    if (interrupt || stallOnce.remove(name)) {
      headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
      x.sendResponseHeaders(status, length);
      OutputStream out = x.getResponseBody();
      out.write(bytes, from, length / 2);
      out.flush();
      try {
        // A stall stays silent until the test is over; a cut waits a moment so that most of what was
        // sent is read before the reset (which discards what the client has not read yet).
        closing.await(interrupt ? 200 : 30_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      // Failing the handler makes the server drop the connection mid-body.
      throw new IOException("transfer cut on purpose");
    }
    byte[] body = new byte[length];
    System.arraycopy(bytes, from, body, 0, length);
    reply(x, status, headers, body);
  }

  private static void reply(HttpExchange x, int status, Map<String, String> headers, byte[] body) throws IOException {
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    boolean head = x.getRequestMethod().equals("HEAD");
    if (head && body != null) {
      x.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
    }
    if (head || body == null) {
      x.sendResponseHeaders(status, -1);
      return;
    }
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    x.getResponseBody().write(body);
  }

  static String gitSha1(byte[] content) {
    byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[header.length + content.length];
    System.arraycopy(header, 0, all, 0, header.length);
    System.arraycopy(content, 0, all, header.length, content.length);
    return hex("SHA-1", all);
  }

  static String sha1Hex(byte[] bytes) {
    return hex("SHA-1", bytes);
  }

  static String hex(String algorithm, byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    handlers.shutdownNow();
  }
}
