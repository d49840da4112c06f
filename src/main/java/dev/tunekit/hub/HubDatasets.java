package dev.tunekit.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Hub dataset as local folders, found as huggingface_hub finds files: the HF cache first (no
 * network, so a snapshot Python downloaded is reused), else downloaded into that cache. What is
 * fetched is the Parquet export the Hub keeps of every public dataset (branch
 * {@code refs/convert/parquet}, files {@code <config>/<split>/0000.parquet}), whatever format the
 * dataset itself uses, plus its card ({@code README.md} at {@code main}), whose YAML header names
 * the ClassLabel values. In the cache:
 *
 * <pre>
 * datasets--org--name/refs/refs/convert/parquet           the export's commit
 * datasets--org--name/snapshots/&lt;commit&gt;/default/train/0000.parquet ...
 * datasets--org--name/refs/main, snapshots/&lt;main commit&gt;/README.md
 * </pre>
 */
public final class HubDatasets {
  /** The branch where the Hub publishes a Parquet copy of a dataset. */
  public static final String PARQUET_REVISION = RepoType.DATASET.defaultRevision();
  static final String DEFAULT_CONFIG = "default";
  static final String CARD = "README.md";

  /**
   * A dataset in the HF cache.
   *
   * @param id the repo, at the export's revision
   * @param config the folder of the config read, holding one folder of Parquet shards per split
   * @param card the folder holding the card README.md (at main), or null when the cache has none
   */
  public record Snapshot(RepoId id, Path config, Path card) {}

  private final HubSettings settings;
  private final HubCache cache;

  public HubDatasets(HubSettings settings) {
    this.settings = settings;
    this.cache = new HubCache(settings.hubCache());
  }

  /**
   * The dataset {@code spec} ({@code name}, {@code org/name} or {@code org/name@revision} of the
   * export) names, downloading it unless it is cached or offline. {@code splits} maps each split
   * the caller needs (train, validation, test), in order, to the names it goes by (valid, dev, ...).
   */
  public Snapshot resolve(String spec, Map<String, List<String>> splits) {
    RepoId id = RepoId.parse(RepoType.DATASET, spec);
    Optional<String> commit = cache.commit(id);
    if (commit.isPresent()) {
      Path snapshot = cache.snapshot(id, commit.get());
      Path config = configFolder(snapshot);
      List<String> missing = missingSplits(config, splits);
      if (missing.isEmpty()) {
        return new Snapshot(id, config, cachedCard(id));
      }
      if (settings.offline()) {
        throw new TunekitException("dataset " + id + " is only partly in the HF cache (" + snapshot + " lacks the "
            + String.join(", ", missing) + " split) and HF_HUB_OFFLINE is set; run once online to complete it");
      }
    } else if (settings.offline()) {
      throw new TunekitException("dataset " + id + " is neither a local folder nor in the HF cache (" + cache.root()
          + ") and HF_HUB_OFFLINE is set; unset HF_HUB_OFFLINE to download it, or give a local folder "
          + "(TUNEKIT_DATA=<folder of datasets> finds one by name)");
    }
    return download(id, commit.orElse(null), splits);
  }

  private Snapshot download(RepoId id, String knownCommit, Map<String, List<String>> splits) {
    HubClient client = new HubClient(settings);
    SnapshotDownload fetcher = new SnapshotDownload(cache, client);
    JsonNode listing;
    try {
      listing = client.getJson(id, "parquet");
    } catch (HubClient.MissingFile e) {
      listing = MissingNode.getInstance(); // the repo is there, its export is not
    } catch (HubClient.Unreachable e) {
      throw fetcher.unreachable(id, e);
    }
    ParquetExport export = ParquetExport.of(id, listing, splits);
    Path snapshot = fetcher.fetch(id, knownCommit, export.files(), Set.copyOf(export.files()),
        (at, file) -> new TunekitException(id.id() + " has no " + file + " at revision " + at.revision()
            + " of its Parquet export; leave out '@revision' (the export is " + PARQUET_REVISION
            + ") or give one of its commits"));
    RepoId main = id.at(RepoId.DEFAULT_REVISION);
    Path card = fetcher.fetch(main, cache.commit(main).orElse(null), List.of(CARD), Set.of(), (at, file) -> null);
    return new Snapshot(id, snapshot.resolve(export.config()), card);
  }

  /** The card's snapshot at main, when the cache knows main. */
  private Path cachedCard(RepoId id) {
    RepoId main = id.at(RepoId.DEFAULT_REVISION);
    return cache.commit(main).map(c -> cache.snapshot(main, c)).orElse(null);
  }

  /** The config folder of a snapshot: "default", else the only one; null when neither. */
  static Path configFolder(Path snapshot) {
    if (Files.isDirectory(snapshot.resolve(DEFAULT_CONFIG))) {
      return snapshot.resolve(DEFAULT_CONFIG);
    }
    List<Path> folders = list(snapshot).stream().filter(Files::isDirectory).toList();
    return folders.size() == 1 ? folders.get(0) : null;
  }

  /** The splits a config folder lacks: no folder of usable shards under any of their names. */
  private static List<String> missingSplits(Path config, Map<String, List<String>> splits) {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, List<String>> split : splits.entrySet()) {
      boolean found = config != null && split.getValue().stream().map(config::resolve).anyMatch(HubDatasets::complete);
      if (!found) {
        missing.add(split.getKey());
      }
    }
    return missing;
  }

  /** A split folder with shards, none of them a link to a lost blob. */
  private static boolean complete(Path splitFolder) {
    List<Path> shards = list(splitFolder);
    return !shards.isEmpty() && shards.stream().allMatch(f -> HubCache.entry(f) == HubCache.Entry.PRESENT);
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new TunekitException(dir + ": cannot list (" + e.getMessage() + "); check its permissions");
    }
  }
}
