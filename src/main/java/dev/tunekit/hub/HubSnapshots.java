package dev.tunekit.hub;

import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.model.AutoModel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

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
    Path refs = cache.repo(id).resolve("refs");
    List<String> known = new ArrayList<>();
    if (Files.isDirectory(refs)) {
      try (Stream<Path> files = Files.walk(refs)) {
        files.filter(Files::isRegularFile).forEach(f -> known.add(refs.relativize(f).toString()));
      } catch (IOException ignored) {
        // the list only makes the message friendlier
      }
    }
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
    String commit = knownCommit;
    boolean announced = false;
    for (String file : FILES) {
      if (commit != null && (HubCache.entry(cache.snapshot(id, commit).resolve(file)) == HubCache.Entry.PRESENT
          || !REQUIRED.contains(file) && cache.knownMissing(id, commit, file))) {
        continue;
      }
      // Once the revision is resolved, ask for that commit so that every file comes from it.
      RepoId at = commit == null ? id : new RepoId(id.id(), commit);
      HubClient.FileInfo info;
      try {
        info = client.head(at, file);
      } catch (HubClient.MissingFile m) {
        if (m.commit != null) {
          cache.markMissing(id, m.commit, file);
          commit = commit == null ? m.commit : commit;
        }
        if (REQUIRED.contains(file)) {
          throw missingRequired(client, at, file);
        }
        continue;
      } catch (HubClient.Unreachable e) {
        throw new TunekitException("cannot reach " + client.endpoint() + " (" + e.getMessage() + ") and " + id
            + " is not in the HF cache (" + cache.root() + "); check the connection (or HF_ENDPOINT), or give a "
            + "local folder");
      }
      if (commit == null) {
        commit = info.commit();
      }
      if (!announced) {
        Log.info("fetching " + id + " (commit " + commit.substring(0, 12) + ") from " + client.endpoint()
            + " into " + cache.repo(id));
        announced = true;
      }
      fetchBlob(client, id, info);
      cache.link(id, commit, file, info.etag());
    }
    cache.writeRef(id, commit);
    Path snapshot = cache.snapshot(id, commit);
    cache.checkContained(id, snapshot); // files it kept from before the download are checked too
    return snapshot;
  }

  /** Makes sure blobs/&lt;etag&gt; holds the file, verified; resumes a partial download. */
  private void fetchBlob(HubClient client, RepoId id, HubClient.FileInfo info) {
    Path blob = cache.blob(id, info.etag());
    if (Files.isRegularFile(blob) && HubCache.size(blob) == info.size()) {
      return; // the same content is already here (another revision, or Python fetched it)
    }
    Path lockFile = cache.lock(id, info.etag());
    try {
      Files.createDirectories(lockFile.getParent());
      Files.createDirectories(blob.getParent());
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (Files.isRegularFile(blob) && HubCache.size(blob) == info.size()) {
          return; // another tunekit finished it while we waited
        }
        Path part = cache.incomplete(id, info.etag());
        boolean resumed = HubCache.size(part) > 0;
        client.download(info, part);
        String bad = BlobDigest.mismatch(part, info.etag());
        if (bad != null && resumed) {
          Log.info("the resumed download of " + info.file() + " does not match its checksum; downloading it afresh");
          HubClient.delete(part);
          client.download(info, part);
          bad = BlobDigest.mismatch(part, info.etag());
        }
        if (bad != null) {
          HubClient.delete(part);
          throw new TunekitException(info.file() + " of " + id + " arrived corrupted (" + bad + "); nothing was kept, "
              + "run again (check proxies if it persists)");
        }
        Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (HubClient.Unreachable e) {
      throw new TunekitException("lost the connection to " + client.endpoint() + " (" + e.getMessage()
          + ") while fetching " + info.file() + " of " + id + "; run again to resume");
    } catch (IOException e) {
      throw new TunekitException(blob + ": cannot write (" + e.getMessage() + "); check that " + cache.root()
          + " is writable and has room for " + Log.size(info.size()));
    }
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
