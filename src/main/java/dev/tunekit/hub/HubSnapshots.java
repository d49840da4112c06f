package dev.tunekit.hub;

import dev.tunekit.TunekitException;
import dev.tunekit.model.AutoModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Hub model as a local folder: the cache's snapshot when it is there (no network at all, so a
 * model Python downloaded is simply reused), else the files a text encoder needs, downloaded into
 * the same cache layout Python uses (so Python reuses ours).
 */
final class HubSnapshots {
  /** Without these there is no model to load. */
  static final List<String> REQUIRED = List.of("config.json", "tokenizer.json", "model.safetensors");

  /** Fetched in this order: small files first (a wrong name or token fails fast), weights last. */
  static final List<String> FILES = List.of("config.json", "tokenizer_config.json", "special_tokens_map.json",
      "vocab.txt", "tokenizer.json", "model.safetensors");

  private final HubSettings settings;
  private final HubCache cache;

  HubSnapshots(HubSettings settings) {
    this.settings = settings;
    this.cache = new HubCache(settings.hubCache());
  }

  /** The snapshot folder of {@code id}, downloading what is missing unless offline. */
  Path resolve(RepoId id) {
    Optional<String> commit = cache.commit(id);
    if (commit.isPresent()) {
      Path snapshot = cache.snapshot(id, commit.get());
      List<Path> dangling = requiredFiles(snapshot, HubCache.Entry.DANGLING);
      if (requiredFiles(snapshot, HubCache.Entry.PRESENT).size() == REQUIRED.size()) {
        cache.checkContained(id, snapshot);
        return snapshot;
      }
      if (settings.offline()) {
        if (!dangling.isEmpty()) {
          Path link = dangling.get(0);
          throw new TunekitException(link + " is a dangling link (to " + HubCache.target(link) + ": the blob was "
              + "deleted); run once without HF_HUB_OFFLINE to download it again, or delete " + snapshot);
        }
        throw new TunekitException(id + " is only partly in the HF cache (" + snapshot + " lacks "
            + String.join(", ", missing(snapshot)) + ") and HF_HUB_OFFLINE is set; run once online to complete it");
      }
    } else if (settings.offline()) {
      throw absentOffline(id);
    }
    return download(id, commit.orElse(null));
  }

  private static List<Path> requiredFiles(Path snapshot, HubCache.Entry state) {
    return REQUIRED.stream().map(snapshot::resolve).filter(f -> HubCache.entry(f) == state).toList();
  }

  private static List<String> missing(Path snapshot) {
    return REQUIRED.stream().filter(f -> HubCache.entry(snapshot.resolve(f)) != HubCache.Entry.PRESENT).toList();
  }

  private TunekitException absentOffline(RepoId id) {
    List<String> known = cache.refs(id);
    if (!known.isEmpty()) {
      return new TunekitException("revision '" + id.revision() + "' of " + id.id() + " is not in the HF cache ("
          + cache.repo(id) + " has " + String.join(", ", known) + ") and HF_HUB_OFFLINE is set; use one of those "
          + "revisions, or unset HF_HUB_OFFLINE to look it up");
    }
    return new TunekitException(id + " is neither a local folder nor in the HF cache (" + cache.root()
        + ") and HF_HUB_OFFLINE is set; unset HF_HUB_OFFLINE to download it, or give a local folder");
  }

  /** Downloads what the snapshot lacks; {@code knownCommit} is the cached ref, if any. */
  private Path download(RepoId id, String knownCommit) {
    HubClient client = new HubClient(settings);
    Path snapshot = new SnapshotDownload(cache, client).fetch(id, knownCommit, FILES, Set.copyOf(REQUIRED),
        (at, file) -> missingRequired(client, at, file));
    cache.checkContained(id, snapshot); // files it kept from before the download are checked too
    return snapshot;
  }

  private TunekitException missingRequired(HubClient client, RepoId at, String file) {
    String repo = at.id() + " (commit " + at.revision() + ")";
    switch (file) {
      case "model.safetensors" -> {
        if (exists(client, at, "pytorch_model.bin")) {
          return AutoModel.pickleRefused(at.id() + " has only pytorch_model.bin", "\"" + at.id() + "\"");
        }
        return new TunekitException(repo + " has no model.safetensors; tunekit loads single-file safetensors "
            + "checkpoints (save one with model.save_pretrained(dir, safe_serialization=True))");
      }
      case "tokenizer.json" -> {
        return new TunekitException(repo + " has no tokenizer.json; tunekit needs the fast tokenizer file (in "
            + "Python: AutoTokenizer.from_pretrained(\"" + at.id() + "\").save_pretrained(dir) writes it)");
      }
      default -> {
        return new TunekitException(repo + " has no " + file + ", so it is not a transformers model; check the name");
      }
    }
  }

  private static boolean exists(HubClient client, RepoId at, String file) {
    try {
      client.head(at, file);
      return true;
    } catch (HubClient.MissingFile | HubClient.Unreachable | TunekitException e) {
      return false;
    }
  }
}
