package dev.tunekit.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Datasets known by name, with what their Hub metadata declares, and where named datasets are
 * looked up locally: {@code TUNEKIT_DATA/<name>/} (offline users and CI point it at a copy).
 */
public final class KnownDatasets {
  /** Short name to Hub id, as HF datasets resolves legacy names. */
  static final Map<String, String> HUB_IDS = Map.of(
      "rotten_tomatoes", "cornell-movie-review-data/rotten_tomatoes");

  /** ClassLabel names published in the Hub's metadata. */
  static final Map<String, List<String>> LABELS = Map.of(
      "rotten_tomatoes", List.of("neg", "pos"));

  private KnownDatasets() {}

  /** The Hub id of a name ("rotten_tomatoes" to its full id); other names are returned as given. */
  public static String hubId(String name) {
    return HUB_IDS.getOrDefault(name, name);
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

  /** {@code $TUNEKIT_DATA/<name>} for the name, its Hub id's last part, or its short name. */
  static Path findLocal(String name) {
    String root = System.getenv("TUNEKIT_DATA");
    if (root == null || root.isBlank()) {
      return null;
    }
    for (String candidate : List.of(name, shortName(name), hubId(name).replace('/', '_'))) {
      if (candidate.contains("..")) {
        continue;
      }
      Path p = Path.of(root).resolve(candidate);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  static String dataHint() {
    String root = System.getenv("TUNEKIT_DATA");
    return root == null ? " (TUNEKIT_DATA is not set)" : " (" + root + ")";
  }
}
