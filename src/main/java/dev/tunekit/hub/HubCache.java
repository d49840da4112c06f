package dev.tunekit.hub;

import dev.tunekit.AtomicFile;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The HuggingFace cache on disk, laid out exactly as {@code huggingface_hub} does (see
 * huggingface.co/docs/hub/local-cache), so that Python and tunekit share downloads:
 *
 * <pre>
 * &lt;cache&gt;/models--org--name/       (datasets: datasets--org--name/, the same inside)
 *   blobs/&lt;etag&gt;                 file contents, named by git sha1 or (LFS) sha256
 *   blobs/&lt;etag&gt;.incomplete      a download in progress, resumed from its length
 *   refs/&lt;revision&gt;              the commit hash a branch or tag resolved to (no newline);
 *                                 refs/refs/convert/parquet for that branch
 *   snapshots/&lt;commit&gt;/&lt;file&gt;   relative symlink to ../../blobs/&lt;etag&gt; (one ../ more per
 *                                 folder in the file's path: default/train/0000.parquet)
 *   .no_exist/&lt;commit&gt;/&lt;file&gt;   empty marker: the file is known to be absent at that commit
 * &lt;cache&gt;/.locks/models--org--name/&lt;etag&gt;.lock
 * </pre>
 */
final class HubCache {
  /** What a snapshot entry is on disk. */
  enum Entry {
    PRESENT,
    ABSENT,
    /** A link whose blob is gone (deleted by hand or by a cleaner). */
    DANGLING
  }

  private final Path root;

  HubCache(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path repo(RepoId id) {
    return root.resolve(id.folderName());
  }

  Path snapshot(RepoId id, String commit) {
    return repo(id).resolve("snapshots").resolve(commit);
  }

  Path blob(RepoId id, String etag) {
    return repo(id).resolve("blobs").resolve(etag);
  }

  Path incomplete(RepoId id, String etag) {
    return repo(id).resolve("blobs").resolve(etag + ".incomplete");
  }

  Path lock(RepoId id, String etag) {
    return root.resolve(".locks").resolve(id.folderName()).resolve(etag + ".lock");
  }

  /** The commit the revision names: itself if it is a hash, else what refs/ recorded, if anything. */
  Optional<String> commit(RepoId id) {
    if (id.pinned()) {
      return Optional.of(id.revision());
    }
    Path ref = repo(id).resolve("refs").resolve(id.revision());
    if (!Files.isRegularFile(ref)) {
      return Optional.empty();
    }
    String commit;
    try {
      commit = Files.readString(ref).strip();
    } catch (IOException e) {
      throw new TunekitException(ref + ": cannot read (" + e.getMessage() + "); check its permissions");
    }
    if (!RepoId.isCommit(commit)) {
      throw new TunekitException(ref + ": holds '" + abbreviate(commit) + "', not a commit hash; delete the file "
          + "and run again (online) to resolve " + id + " afresh");
    }
    return Optional.of(commit);
  }

  /** The branches and tags recorded for the repo: "main" for refs/main, "refs/convert/parquet" for refs/refs/.... */
  List<String> refs(RepoId id) {
    Path refs = repo(id).resolve("refs");
    if (!Files.isDirectory(refs)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(refs)) {
      return files.filter(Files::isRegularFile).map(f -> refs.relativize(f).toString()).sorted().toList();
    } catch (IOException e) {
      return List.of(); // the list only makes messages friendlier
    }
  }

  /** Records that {@code id}'s revision resolved to {@code commit}, as Python does. */
  void writeRef(RepoId id, String commit) {
    if (id.pinned()) {
      return;
    }
    Path ref = repo(id).resolve("refs").resolve(id.revision());
    AtomicFile.writeText(ref, out -> out.write(commit));
  }

  /** What {@code snapshots/<commit>/<file>} is: a usable file, nothing, or a link to a lost blob. */
  static Entry entry(Path file) {
    if (Files.isRegularFile(file)) {
      return Entry.PRESENT;
    }
    return Files.isSymbolicLink(file) ? Entry.DANGLING : Entry.ABSENT;
  }

  boolean knownMissing(RepoId id, String commit, String file) {
    return Files.exists(repo(id).resolve(".no_exist").resolve(commit).resolve(file));
  }

  void markMissing(RepoId id, String commit, String file) {
    Path marker = repo(id).resolve(".no_exist").resolve(commit).resolve(file);
    try {
      Files.createDirectories(marker.getParent());
      if (!Files.exists(marker)) {
        Files.createFile(marker);
      }
    } catch (IOException e) {
      // Only an optimisation for later look-ups (Python ignores this failure too).
    }
  }

  /**
   * Points {@code snapshots/<commit>/<file>} at the blob with a relative link (so the cache can
   * move), replacing whatever was there in one rename. Where links are not allowed the blob is
   * copied, as Python does on such file systems.
   */
  Path link(RepoId id, String commit, String file, String etag) {
    Path pointer = snapshot(id, commit).resolve(file);
    Path blob = blob(id, etag);
    Path temp = pointer.resolveSibling("." + pointer.getFileName() + ".link.tmp");
    try {
      Files.createDirectories(pointer.getParent());
      Files.deleteIfExists(temp);
      try {
        Files.createSymbolicLink(temp, pointer.getParent().relativize(blob));
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.copy(blob, temp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(temp, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return pointer;
    } catch (IOException e) {
      throw new TunekitException(pointer + ": cannot create (" + e.getMessage() + "); check that "
          + root + " is writable");
    }
  }

  /**
   * Refuses a snapshot with a file (or itself) leading out of the repo's folder: the cache's links
   * point into {@code blobs/}, so one that leaves the cache was not made by a download, and what it
   * reaches (anything the user can read) must not be loaded as a model.
   */
  void checkContained(RepoId id, Path snapshot) {
    try (Stream<Path> files = Files.walk(snapshot)) {
      Path inside = repo(id).toRealPath();
      for (Path file : files.toList()) {
        if (Files.exists(file) && !file.toRealPath().startsWith(inside)) {
          throw new TunekitException(file + " leads out of the HF cache (to " + file.toRealPath() + "); delete "
              + snapshot + " and run again to download the model afresh");
        }
      }
    } catch (IOException e) {
      throw new TunekitException(snapshot + ": cannot read (" + e.getMessage() + "); check its permissions");
    }
  }

  /** Where a (dangling) link points, for messages. */
  static String target(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "?";
    }
  }

  /** Size of a file following links, 0 when it is missing. */
  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
