package dev.tunekit.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to the Hub the way {@code huggingface_hub} does: a HEAD on
 * {@code {endpoint}/[datasets/]{repo}/resolve/{revision}/{file}} gives the commit ({@code X-Repo-Commit}),
 * the content's ETag ({@code X-Linked-Etag} for LFS files, else {@code ETag}), its size
 * ({@code X-Linked-Size}, else {@code Content-Length}) and, for LFS files, a redirect to the CDN;
 * a GET (with {@code Range} to resume) fetches the bytes. {@link #getJson} reads the JSON API.
 *
 * <p>Redirects are followed by hand so that each hop is checked: HTTPS only (HTTP only to this
 * machine), and the token is never sent to another host (the CDN's URLs are signed).
 */
final class HubClient {
  /** What the Hub says about one file at one revision. */
  record FileInfo(String file, String commit, String etag, long size, URI location, boolean sendToken) {}

  /** The Hub says the file does not exist at that revision ({@code EntryNotFound}). */
  static final class MissingFile extends Exception {
    final String commit;

    MissingFile(String commit) {
      super(null, null, false, false);
      this.commit = commit;
    }
  }

  /** The Hub could not be reached (no network, DNS, refused connection, timeout). */
  static final class Unreachable extends Exception {
    Unreachable(String reason) {
      super(reason, null, false, false);
    }
  }

  private static final int MAX_REDIRECTS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SAFE_ETAG = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");
  private static final String USER_AGENT = "tunekit/" + Objects.requireNonNullElse(
      HubClient.class.getPackage().getImplementationVersion(), "dev") + "; java/" + Runtime.version().feature();

  private final HubSettings settings;
  private final URI endpoint;
  private final HttpClient http;

  HubClient(HubSettings settings) {
    this.settings = settings;
    this.endpoint = settings.endpointUri();
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(settings.timeout())
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  String endpoint() {
    return settings.endpoint();
  }

  /**
   * {@code {endpoint}/[datasets/]{repo}/resolve/{revision}/{file}}, the revision escaped whole
   * (refs/pr/1, refs/convert/parquet); the file keeps its slashes (default/train/0000.parquet).
   */
  URI resolveUrl(RepoId id, String file) {
    String revision = URLEncoder.encode(id.revision(), StandardCharsets.UTF_8);
    String repo = id.type().urlPrefix() + id.id();
    return URI.create(settings.endpoint() + "/" + repo + "/resolve/" + revision + "/" + file);
  }

  /**
   * GET {@code {endpoint}/api/{models|datasets}/{repo}/{path}} as JSON (the token goes along, as
   * for files); failures are the same one-line errors as for files, {@link MissingFile} when the
   * repo exists but that resource does not.
   */
  JsonNode getJson(RepoId id, String path) throws MissingFile, Unreachable {
    URI url = URI.create(settings.endpoint() + "/api/" + id.type().plural() + "/" + id.id() + "/" + path);
    HttpRequest request = request(url, true).GET().header("Accept", "application/json")
        .timeout(settings.timeout()).build();
    HttpResponse<String> r = send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw failure(id, path, r);
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new TunekitException(url + " answered with something other than JSON (" + oneLine(e)
          + "); check HF_ENDPOINT and proxies");
    }
  }

  /** HEAD: the file's commit, ETag, size and download location. */
  FileInfo head(RepoId id, String file) throws MissingFile, Unreachable {
    URI url = resolveUrl(id, file);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest request = request(url, true).method("HEAD", HttpRequest.BodyPublishers.noBody())
          .header("Accept-Encoding", "identity") // the real size, as huggingface_hub asks
          .timeout(settings.timeout()).build();
      HttpResponse<Void> r = send(request, HttpResponse.BodyHandlers.discarding());
      int status = r.statusCode();
      if (status >= 300 && status < 400) {
        URI target = redirectTarget(r, url);
        if (isRelative(r)) {
          url = target; // a renamed repo: the Hub redirects within itself
          continue;
        }
        return info(id, file, r, target); // an LFS file: the absolute Location is where to download
      }
      if (status >= 200 && status < 300) {
        return info(id, file, r, url);
      }
      throw failure(id, file, r);
    }
    throw new TunekitException(url + ": more than " + MAX_REDIRECTS + " redirects; check HF_ENDPOINT");
  }

  private FileInfo info(RepoId id, String file, HttpResponse<?> r, URI location) {
    String where = "the answer of " + settings.endpoint() + " for " + id + "/" + file;
    String commit = r.headers().firstValue("X-Repo-Commit").orElse(null);
    if (!RepoId.isCommit(commit)) {
      throw new TunekitException(where + " has " + (commit == null ? "no X-Repo-Commit header" : "X-Repo-Commit '"
          + commit + "', not a commit hash") + ": it does not look like the Hub; check HF_ENDPOINT and proxies");
    }
    String etag = normalizeEtag(r.headers().firstValue("X-Linked-Etag")
        .or(() -> r.headers().firstValue("ETag")).orElse(null));
    if (etag == null || !SAFE_ETAG.matcher(etag).matches()) {
      throw new TunekitException(where + " has " + (etag == null ? "no ETag" : "an unusable ETag '" + etag + "'")
          + ", so the file cannot be verified or cached; check HF_ENDPOINT and proxies");
    }
    long size = r.headers().firstValue("X-Linked-Size")
        .or(() -> r.headers().firstValue("Content-Length")).map(HubClient::parseSize).orElse(-1L);
    if (size < 0) {
      throw new TunekitException(where + " gives no size (X-Linked-Size or Content-Length); check HF_ENDPOINT and proxies");
    }
    return new FileInfo(file, commit, etag, size, location, sameHost(location, endpoint));
  }

  /**
   * GET the file into {@code part}, appending from its current length with {@code Range} (so an
   * interrupted download resumes); a server that ignores the range makes it start over.
   */
  void download(FileInfo info, Path part) throws Unreachable {
    long have = HubCache.size(part);
    if (have > info.size()) {
      delete(part);
      have = 0;
    }
    if (have == info.size() && have > 0) {
      return;
    }
    URI url = info.location();
    boolean token = info.sendToken();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder b = request(url, token).GET().timeout(settings.timeout());
      if (have > 0) {
        b.header("Range", "bytes=" + have + "-");
      }
      HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = r.statusCode();
      if (status >= 300 && status < 400) {
        closeQuietly(r.body());
        URI target = redirectTarget(r, url);
        token &= sameHost(target, url);
        url = target;
        continue;
      }
      if (status == 206 && have > 0 && rangeStart(r) == have) {
        copy(r, part, have, info);
        return;
      }
      if (have > 0 && (status == 416 || status == 206)) {
        // The server will not continue where the partial file ends: start over.
        closeQuietly(r.body());
        delete(part);
        have = 0;
        continue;
      }
      if (status == 200) {
        copy(r, part, 0, info);
        return;
      }
      closeQuietly(r.body());
      throw new TunekitException("downloading " + info.file() + " from " + url.getHost() + " failed with HTTP "
          + status + "; run again (the download resumes)");
    }
    throw new TunekitException(url + ": more than " + MAX_REDIRECTS + " redirects while downloading "
        + info.file() + "; check HF_ENDPOINT");
  }

  private void copy(HttpResponse<InputStream> r, Path part, long offset, FileInfo info) {
    DownloadProgress progress = new DownloadProgress(info.file(), info.size(), offset);
    long written = offset;
    InputStream in = r.body();
    StallWatchdog watchdog = new StallWatchdog(settings.timeout(), in);
    try (watchdog;
        in;
        FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      out.truncate(offset);
      out.position(offset);
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        watchdog.progress();
        if (written + n > info.size()) {
          throw new TunekitException("the server sent more than the " + info.size() + " bytes it announced for "
              + info.file() + "; run again, and check HF_ENDPOINT and proxies if it persists");
        }
        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
        written += n;
        progress.advance(n);
      }
      out.force(true);
    } catch (IOException e) {
      String why = watchdog.fired() ? "no data for " + BigDecimal.valueOf(settings.timeout().toMillis(), 3).stripTrailingZeros().toPlainString()
          + " s; HF_HUB_DOWNLOAD_TIMEOUT "
          + "sets the limit" : oneLine(e);
      throw interrupted(info, HubCache.size(part), why);
    }
    if (written != info.size()) {
      throw interrupted(info, written, "the connection closed early");
    }
    progress.finish();
  }

  private static TunekitException interrupted(FileInfo info, long written, String why) {
    return new TunekitException("the download of " + info.file() + " stopped at " + Log.size(written) + " of "
        + Log.size(info.size()) + " (" + why + "); run the same command again to resume it");
  }

  /** A failed HEAD as one line saying what the Hub meant (its X-Error-Code), or MissingFile. */
  private TunekitException failure(RepoId id, String file, HttpResponse<?> r) throws MissingFile {
    int status = r.statusCode();
    String code = r.headers().firstValue("X-Error-Code").orElse("");
    Optional<String> commit = r.headers().firstValue("X-Repo-Commit").filter(RepoId::isCommit);
    String page = settings.endpoint() + "/" + id.type().urlPrefix() + id.id();
    String noun = id.type().noun();
    if (code.equals("EntryNotFound") || status == 404 && code.isEmpty() && commit.isPresent()) {
      throw new MissingFile(commit.orElse(null));
    }
    if (code.equals("GatedRepo")) {
      return new TunekitException(settings.token() == null
          ? id.id() + " is a gated " + noun + ": accept its terms at " + page + ", then set HF_TOKEN to an access "
              + "token of that account (huggingface.co/settings/tokens)"
          : "the token in HF_TOKEN has no access to the gated " + noun + " " + id.id() + ": accept its terms at "
              + page + " with that account");
    }
    if (code.equals("RevisionNotFound")) {
      return new TunekitException("revision '" + id.revision() + "' of " + id.id() + " does not exist on "
          + settings.endpoint() + "; give an existing branch, tag or commit after '@' (see " + page + "/tree/main)");
    }
    if (code.equals("RepoNotFound") || status == 401 || status == 404) {
      return new TunekitException(id.id() + " is neither a local folder nor a " + noun + " on " + settings.endpoint()
          + (settings.token() == null ? " (if it is private, set HF_TOKEN)" : " that the token in HF_TOKEN can see")
          + "; check the name");
    }
    return new TunekitException(settings.endpoint() + " answered HTTP " + status + " for " + id + "/" + file
        + "; try again later");
  }

  private HttpRequest.Builder request(URI url, boolean withToken) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).header("User-Agent", USER_AGENT);
    if (withToken && settings.token() != null) {
      b.header("Authorization", "Bearer " + settings.token());
    }
    return b;
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws Unreachable {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw new Unreachable(oneLine(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TunekitException("interrupted while talking to " + request.uri().getHost());
    }
  }

  private static URI redirectTarget(HttpResponse<?> r, URI from) {
    String location = r.headers().firstValue("Location").orElseThrow(() -> new TunekitException(
        from + ": HTTP " + r.statusCode() + " redirect without a Location; check HF_ENDPOINT and proxies"));
    URI target;
    try {
      target = from.resolve(location);
    } catch (IllegalArgumentException e) {
      throw new TunekitException(from + ": redirects to an invalid URL (" + location + ")");
    }
    if (!HubSettings.isAllowed(target)) {
      throw new TunekitException(from + " redirects to " + target.getScheme() + "://" + target.getHost()
          + ", which is not HTTPS; refused (weights must not travel unprotected)");
    }
    return target;
  }

  private static boolean isRelative(HttpResponse<?> r) {
    return r.headers().firstValue("Location").map(l -> URI.create(l.strip()).getHost() == null).orElse(false);
  }

  private static boolean sameHost(URI a, URI b) {
    return a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && a.getPort() == b.getPort()
        && Objects.equals(a.getScheme(), b.getScheme());
  }

  private static long rangeStart(HttpResponse<?> r) {
    Matcher m = CONTENT_RANGE.matcher(r.headers().firstValue("Content-Range").orElse(""));
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  /** {@code "abc"} and {@code W/"abc"} to {@code abc}, as huggingface_hub's {@code _normalize_etag}. */
  static String normalizeEtag(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.strip();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    while (e.startsWith("\"")) {
      e = e.substring(1);
    }
    while (e.endsWith("\"")) {
      e = e.substring(0, e.length() - 1);
    }
    return e;
  }

  private static long parseSize(String s) {
    try {
      return Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new TunekitException(p + ": cannot delete (" + e.getMessage() + "); delete it by hand and run again");
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // the response is abandoned anyway
    }
  }

  static String oneLine(Exception e) {
    String m = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s+", " ").strip();
  }
}
