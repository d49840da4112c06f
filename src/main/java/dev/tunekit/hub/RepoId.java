package dev.tunekit.hub;

import dev.tunekit.TunekitException;
import java.util.regex.Pattern;

/**
 * A Hub repo id with its type and revision: {@code name}, {@code org/name} or
 * {@code org/name@revision} (branch, tag or commit; default {@code main} for models, the Parquet
 * export {@code refs/convert/parquet} for datasets).
 *
 * <p>Validated as {@code huggingface_hub.validate_repo_id} does (letters, digits, '-', '_', '.';
 * at most one '/'; no "--" or ".."; '-' and '.' neither start nor end a part; at most 96
 * characters), and the revision like a git ref. Both become file names in the cache, so nothing
 * that could climb out of it ("..", "/x") gets through.
 */
public record RepoId(RepoType type, String id, String revision) {
  public static final String DEFAULT_REVISION = "main";

  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.\\-]+");
  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9_.\\-/]{1,255}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  /** A model at {@code revision}. */
  public RepoId(String id, String revision) {
    this(RepoType.MODEL, id, revision);
  }

  /** Parses a model id; throws a one-line {@link TunekitException} when it is not a valid id. */
  public static RepoId parse(String spec) {
    return parse(RepoType.MODEL, spec);
  }

  /** Parses {@code spec} as an id of {@code type}; a one-line {@link TunekitException} when it is not valid. */
  public static RepoId parse(RepoType type, String spec) {
    int at = spec.indexOf('@');
    String id = at < 0 ? spec : spec.substring(0, at);
    String revision = at < 0 ? type.defaultRevision() : spec.substring(at + 1);
    String why = idProblem(id);
    if (why != null) {
      throw new TunekitException("'" + spec + "' is not a Hub " + type.noun() + " id: " + why
          + "; write name, org/name or org/name@revision (letters, digits, '-', '_', '.')");
    }
    if (!validRevision(revision)) {
      throw new TunekitException("'" + spec + "': '" + revision + "' is not a valid revision; give a branch, "
          + "tag or commit hash after '@' (letters, digits, '-', '_', '.', '/')");
    }
    return new RepoId(type, id, revision);
  }

  /** The same repo at another revision (a resolved commit, or another branch). */
  public RepoId at(String otherRevision) {
    return new RepoId(type, id, otherRevision);
  }

  private static String idProblem(String id) {
    if (id.isEmpty() || id.length() > 96) {
      return "it must have 1 to 96 characters";
    }
    String[] parts = id.split("/", -1);
    if (parts.length > 2) {
      return "it has more than one '/'";
    }
    for (String part : parts) {
      if (!PART.matcher(part).matches()) {
        return "it holds characters other than letters, digits, '-', '_', '.' and one '/'";
      }
      if (part.startsWith("-") || part.startsWith(".") || part.endsWith("-") || part.endsWith(".")) {
        return "'-' and '.' cannot start or end a name";
      }
    }
    if (id.contains("--") || id.contains("..")) {
      return "\"--\" and \"..\" are not allowed";
    }
    if (id.endsWith(".git")) {
      return "it cannot end with .git";
    }
    return null;
  }

  private static boolean validRevision(String revision) {
    if (!REVISION.matcher(revision).matches() || revision.startsWith("-") || revision.contains("..")) {
      return false;
    }
    for (String segment : revision.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".")) {
        return false;
      }
    }
    return true;
  }

  /** True when the revision is a full commit hash (then the cache needs no ref). */
  public boolean pinned() {
    return isCommit(revision);
  }

  static boolean isCommit(String s) {
    return s != null && COMMIT.matcher(s).matches();
  }

  /** The cache folder name, as huggingface_hub's {@code repo_folder_name}: models--org--name, datasets--org--name. */
  public String folderName() {
    return type.plural() + "--" + id.replace("/", "--");
  }

  @Override
  public String toString() {
    return revision.equals(type.defaultRevision()) ? id : id + "@" + revision;
  }
}
