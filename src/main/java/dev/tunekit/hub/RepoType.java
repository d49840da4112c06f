package dev.tunekit.hub;

/**
 * The kind of Hub repository, which decides its URLs and its cache folder, as huggingface_hub's
 * {@code repo_type}: models live at {@code {endpoint}/{id}} and {@code models--org--name},
 * datasets at {@code {endpoint}/datasets/{id}} and {@code datasets--org--name}.
 */
public enum RepoType {
  MODEL("model", "models", RepoId.DEFAULT_REVISION),
  /** Read from the Parquet export the Hub keeps of every public dataset, whatever its own format. */
  DATASET("dataset", "datasets", "refs/convert/parquet");

  private final String noun;
  private final String plural;
  private final String defaultRevision;

  RepoType(String noun, String plural, String defaultRevision) {
    this.noun = noun;
    this.plural = plural;
    this.defaultRevision = defaultRevision;
  }

  /** "model" or "dataset", for messages. */
  public String noun() {
    return noun;
  }

  /** The cache folder's prefix and the API's path segment: "models", "datasets". */
  String plural() {
    return plural;
  }

  /** What an id without '@revision' means. */
  String defaultRevision() {
    return defaultRevision;
  }

  /** Where a repo's pages and files are under the endpoint: "" for models, "datasets/" for datasets. */
  String urlPrefix() {
    return this == MODEL ? "" : plural + "/";
  }
}
