package dev.tunekit.hub;

import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/**
 * Fetches files of one repo revision into the HF cache as huggingface_hub does, for models and
 * datasets alike: a HEAD per file (commit, ETag, size), the bytes into {@code blobs/<etag>}
 * (checked against the ETag, resumed after an interruption, one process at a time), the snapshot
 * link, and {@code refs/<revision>} last, so a ref never names a snapshot left half-done.
 */
final class SnapshotDownload {
  /** Explains, in one line, what it means that a required file is absent at a commit. */
  interface MissingRequired {
    TunekitException explain(RepoId at, String file);
  }

  private final HubCache cache;
  private final HubClient client;

  SnapshotDownload(HubCache cache, HubClient client) {
    this.cache = cache;
    this.client = client;
  }

  /**
   * Fetches those of {@code files} the snapshot lacks and returns the snapshot folder. Files
   * outside {@code required} may be absent (Python's {@code .no_exist} markers then say so).
   * {@code knownCommit} is the cached ref, if any; else the first answer names the commit, and
   * every later file is asked at that commit so that all come from one snapshot.
   */
  Path fetch(RepoId id, String knownCommit, List<String> files, Set<String> required, MissingRequired missing) {
    String commit = knownCommit;
    boolean announced = false;
    for (String file : files) {
      if (commit != null && (HubCache.entry(cache.snapshot(id, commit).resolve(file)) == HubCache.Entry.PRESENT
          || !required.contains(file) && cache.knownMissing(id, commit, file))) {
        continue;
      }
      RepoId at = commit == null ? id : id.at(commit);
      HubClient.FileInfo info;
      try {
        info = client.head(at, file);
      } catch (HubClient.MissingFile m) {
        if (m.commit != null) {
          cache.markMissing(id, m.commit, file);
          commit = commit == null ? m.commit : commit;
        }
        if (required.contains(file)) {
          throw missing.explain(at, file);
        }
        continue;
      } catch (HubClient.Unreachable e) {
        throw unreachable(id, e);
      }
      if (commit == null) {
        commit = info.commit();
      }
      if (!announced) {
        Log.info("fetching " + id + " (commit " + commit.substring(0, 12) + ") from " + client.endpoint()
            + " into " + cache.repo(id));
        announced = true;
      }
      fetchBlob(id, info);
      cache.link(id, commit, file, info.etag());
    }
    if (commit == null) {
      throw new TunekitException("nothing to fetch for " + id + " (no file named); this is a bug in tunekit");
    }
    cache.writeRef(id, commit);
    return cache.snapshot(id, commit);
  }

  /** The one line for a Hub that cannot be reached while {@code id} is not cached. */
  TunekitException unreachable(RepoId id, HubClient.Unreachable e) {
    return new TunekitException("cannot reach " + client.endpoint() + " (" + e.getMessage() + ") and " + id
        + " is not in the HF cache (" + cache.root() + "); check the connection (or HF_ENDPOINT), or give a "
        + "local folder");
  }

  /** Makes sure blobs/&lt;etag&gt; holds the file, verified; resumes a partial download. */
  private void fetchBlob(RepoId id, HubClient.FileInfo info) {
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
          throw new TunekitException(info.file() + " of " + id.id() + " arrived corrupted (" + bad + "); nothing was "
              + "kept, run again (check proxies if it persists)");
        }
        Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (HubClient.Unreachable e) {
      throw new TunekitException("lost the connection to " + client.endpoint() + " (" + e.getMessage()
          + ") while fetching " + info.file() + " of " + id.id() + "; run again to resume");
    } catch (IOException e) {
      throw new TunekitException(blob + ": cannot write (" + e.getMessage() + "); check that " + cache.root()
          + " is writable and has room for " + Log.size(info.size()));
    }
  }
}
