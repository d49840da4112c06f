package dev.tunekit.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Datasets known by name, with what their Hub metadata declares, and where named datasets are
 * looked up locally: {@code TUNEKIT_DATA/<name>/} (offline users and CI point it at a copy).
 * The label names here are used only when the dataset's own metadata (its card) is not at hand.
 */
public final class KnownDatasets {
  /** Short name to Hub id, as HF datasets resolves legacy names. */
  static final Map<String, String> HUB_IDS = Map.of(
      "rotten_tomatoes", "cornell-movie-review-data/rotten_tomatoes");

  /** ClassLabel names published in the Hub's metadata. */
  static final Map<String, List<String>> LABELS = Map.of(
      "rotten_tomatoes", List.of("neg", "pos"));

  private KnownDatasets() {}

  /**
   * The Hub id of a name ("rotten_tomatoes" to its full id, keeping any "@revision"); other names
   * are returned as given.
   */
  public static String hubId(String name) {
    int at = name.indexOf('@');
    String bare = at < 0 ? name : name.substring(0, at);
    return HUB_IDS.getOrDefault(bare, bare) + (at < 0 ? "" : name.substring(at));
  }

  static List<String> labelsFor(String name) {
    String shortName = shortName(name);
    return LABELS.get(shortName);
  }

  private static String shortName(String name) {
    for (Map.Entry<String, String> e : HUB_IDS.entrySet()) {
      if (e.getValue().equals(name)) {
        return e.getKey();
      }
    }
    return name.contains("/") ? name.substring(name.lastIndexOf('/') + 1) : name;
  }

  /** {@code <root>/<name>} for the name, its Hub id's last part, or its short name; null if none or no root. */
  static Path findLocal(Path root, String name) {
    if (root == null) {
      return null;
    }
    for (String candidate : List.of(name, shortName(name), hubId(name).replace('/', '_'))) {
      if (candidate.contains("..")) {
        continue;
      }
      Path p = root.resolve(candidate);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  static String dataHint(Path root) {
    return root == null ? " (TUNEKIT_DATA is not set)" : " (" + root + ")";
  }
}
