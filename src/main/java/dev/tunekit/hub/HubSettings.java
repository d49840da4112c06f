package dev.tunekit.hub;

import dev.tunekit.TunekitException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where models are looked up and fetched, from the same environment variables {@code
 * huggingface_hub} reads, so a model Python downloaded is found here and the other way round.
 *
 * @param hubCache the HF cache ({@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else
 *     {@code ~/.cache/huggingface/hub})
 * @param endpoint the Hub ({@code HF_ENDPOINT}, default https://huggingface.co, no trailing slash)
 * @param token {@code HF_TOKEN} (else the token file {@code huggingface-cli login} wrote), or null
 * @param offline {@code HF_HUB_OFFLINE} (or {@code TRANSFORMERS_OFFLINE}) is 1/ON/YES/TRUE
 * @param tunekitCache tunekit's own cache ({@code TUNEKIT_CACHE}, else {@code ~/.cache/tunekit})
 * @param timeout how long the Hub may keep us waiting for an answer or for the next bytes of a
 *     download ({@code HF_HUB_DOWNLOAD_TIMEOUT} seconds, default 10 as in huggingface_hub)
 */
public record HubSettings(Path hubCache, String endpoint, String token, boolean offline, Path tunekitCache,
    Duration timeout) {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** huggingface_hub's {@code _is_true}. */
  private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");

  public HubSettings {
    endpoint = stripTrailingSlashes(endpoint == null ? DEFAULT_ENDPOINT : endpoint);
    token = token == null || token.isBlank() ? null : token.strip();
    timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? DEFAULT_TIMEOUT : timeout;
  }

  public HubSettings(Path hubCache, String endpoint, String token, boolean offline, Path tunekitCache) {
    this(hubCache, endpoint, token, offline, tunekitCache, DEFAULT_TIMEOUT);
  }

  /** The settings of this process's environment. */
  public static HubSettings fromEnvironment() {
    return from(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** The settings an environment {@code env} gives, {@code home} being the user's home folder. */
  public static HubSettings from(Map<String, String> env, Path home) {
    Path cacheHome = path(env.get("XDG_CACHE_HOME"), home, home.resolve(".cache"));
    Path hfHome = path(env.get("HF_HOME"), home, cacheHome.resolve("huggingface"));
    Path hubCache = path(first(env.get("HF_HUB_CACHE"), env.get("HUGGINGFACE_HUB_CACHE")), home, hfHome.resolve("hub"));
    String token = first(env.get("HF_TOKEN"), env.get("HUGGING_FACE_HUB_TOKEN"));
    if (token == null) {
      token = readTokenFile(path(env.get("HF_TOKEN_PATH"), home, hfHome.resolve("token")));
    }
    boolean offline = isTrue(first(env.get("HF_HUB_OFFLINE"), env.get("TRANSFORMERS_OFFLINE")));
    Path tunekitCache = path(env.get("TUNEKIT_CACHE"), home, home.resolve(".cache").resolve("tunekit"));
    return new HubSettings(hubCache, first(env.get("HF_ENDPOINT"), DEFAULT_ENDPOINT), token, offline, tunekitCache,
        seconds(env.get("HF_HUB_DOWNLOAD_TIMEOUT")));
  }

  public HubSettings withOffline(boolean off) {
    return new HubSettings(hubCache, endpoint, token, off, tunekitCache, timeout);
  }

  public HubSettings withToken(String t) {
    return new HubSettings(hubCache, endpoint, t, offline, tunekitCache, timeout);
  }

  public HubSettings withEndpoint(String e) {
    return new HubSettings(hubCache, e, token, offline, tunekitCache, timeout);
  }

  public HubSettings withTimeout(Duration t) {
    return new HubSettings(hubCache, endpoint, token, offline, tunekitCache, t);
  }

  /**
   * The endpoint as a URI, refused unless it is HTTPS or plain HTTP to this machine (a local
   * mirror or test server named on purpose): weights must not travel where anyone can alter them.
   */
  URI endpointUri() {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new TunekitException("HF_ENDPOINT=" + endpoint + " is not a URL; set it to https://... or unset it");
    }
    if (!isAllowed(uri) || uri.getRawQuery() != null) {
      throw new TunekitException("HF_ENDPOINT=" + endpoint + " is refused: tunekit downloads over HTTPS only "
          + "(plain http only to 127.0.0.1 or localhost); set it to https://... or unset it");
    }
    return uri;
  }

  /** HTTPS anywhere, HTTP only to the loopback interface. */
  static boolean isAllowed(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      return false;
    }
    return scheme.equals("https")
        || scheme.equals("http") && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
  }

  private static String stripTrailingSlashes(String s) {
    String out = s.strip();
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  static boolean isTrue(String value) {
    return value != null && TRUE.contains(value.strip().toUpperCase(Locale.ROOT));
  }

  /** Whole or fractional seconds, as Python's float(); null (the default) when unset or unreadable. */
  private static Duration seconds(String value) {
    try {
      return value == null ? null : Duration.ofMillis(Math.round(Double.parseDouble(value.strip()) * 1000));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String first(String a, String b) {
    return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
  }

  /** An environment path with {@code ~} expanded, or {@code fallback} when unset. */
  private static Path path(String value, Path home, Path fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    if (value.equals("~") || value.startsWith("~/")) {
      return home.resolve(value.substring(Math.min(2, value.length())));
    }
    return Path.of(value);
  }

  private static String readTokenFile(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file).strip() : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    // Never print the token.
    return "HubSettings[hubCache=" + hubCache + ", endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set")
        + ", offline=" + offline + ", tunekitCache=" + tunekitCache + ", timeout=" + timeout + "]";
  }
}
