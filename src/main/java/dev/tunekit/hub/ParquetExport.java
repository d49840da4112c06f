package dev.tunekit.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.TunekitException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of a dataset's Parquet export that tunekit reads, from the Hub's listing
 * ({@code GET /api/datasets/{id}/parquet}: config, then split, then shard URLs ending in
 * {@code /{n}.parquet}). Shard n of a split is the file {@code {config}/{split}/{n:04d}.parquet}
 * of the {@code refs/convert/parquet} branch (what those URLs redirect to).
 *
 * @param config the config read: "default", else the only one
 * @param files the shards of the splits wanted, split by split, as paths in the repo
 */
record ParquetExport(String config, List<String> files) {
  private static final Pattern SHARD = Pattern.compile("/(\\d{1,6})\\.parquet$");
  /** Config and split names become folders in the cache: nothing that could climb out of it. */
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");

  /**
   * Picks the config and, for each split the caller needs, the first name it accepts that the
   * export has; a one-line error when a split is missing or the listing is not what the Hub sends.
   */
  static ParquetExport of(RepoId id, JsonNode listing, Map<String, List<String>> splits) {
    String config = config(id, listing);
    JsonNode bySplit = listing.get(config);
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, List<String>> wanted : splits.entrySet()) {
      String split = wanted.getValue().stream().filter(bySplit::has).findFirst().orElseThrow(() -> new TunekitException(
          id.id() + "'s Parquet export (config '" + config + "') has the splits " + names(bySplit) + " but no "
              + wanted.getKey() + " split (named " + String.join(", ", wanted.getValue()) + "); give a local folder "
              + "of train/validation/test files, or one file with --split-ratios"));
      checkName(id, split);
      if (!bySplit.get(split).isArray() || bySplit.get(split).isEmpty()) {
        throw unexpected(id, "split '" + split + "' without shards");
      }
      for (JsonNode url : bySplit.get(split)) {
        Matcher m = SHARD.matcher(url.asText());
        if (!m.find()) {
          throw unexpected(id, "shard URL '" + url.asText() + "'");
        }
        files.add(String.format(Locale.ROOT, "%s/%s/%04d.parquet", config, split, Integer.parseInt(m.group(1))));
      }
    }
    return new ParquetExport(config, files);
  }

  private static String config(RepoId id, JsonNode listing) {
    if (!listing.isObject() || listing.isEmpty()) {
      throw new TunekitException(id.id() + " has no Parquet export yet (the Hub converts public datasets a while "
          + "after each change); try again later, or give a local folder");
    }
    Map<String, JsonNode> configs = new LinkedHashMap<>();
    listing.fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue()));
    String config = configs.containsKey(HubDatasets.DEFAULT_CONFIG) ? HubDatasets.DEFAULT_CONFIG
        : configs.size() == 1 ? configs.keySet().iterator().next() : null;
    if (config == null) {
      throw new TunekitException(id.id() + " has several configs (" + String.join(", ", configs.keySet())
          + ") and none is 'default'; tunekit reads one: save the one you want in Python "
          + "(load_dataset(\"" + id.id() + "\", \"<config>\").save_to_disk(dir)) and give that folder");
    }
    checkName(id, config);
    if (!configs.get(config).isObject()) {
      throw unexpected(id, "config '" + config + "'");
    }
    return config;
  }

  private static void checkName(RepoId id, String name) {
    if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      throw unexpected(id, "name '" + name + "'");
    }
  }

  private static String names(JsonNode bySplit) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = bySplit.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out.toString();
  }

  private static TunekitException unexpected(RepoId id, String what) {
    return new TunekitException("the Hub's Parquet listing of " + id.id() + " has an unexpected " + what
        + "; check HF_ENDPOINT and proxies");
  }
}
