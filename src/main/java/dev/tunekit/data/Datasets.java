package dev.tunekit.data;

import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.hub.HubDatasets;
import dev.tunekit.hub.HubSettings;
import dev.tunekit.hub.ModelSources;
import dev.tunekit.model.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads text-classification datasets the way HF {@code datasets} does: a folder of split files,
 * one file split by ratios, or a dataset by name: {@code TUNEKIT_DATA/<name>}, else the Hub
 * dataset of that id (HF cache first, else its Parquet export downloaded; see {@link HubDatasets}).
 *
 * <p>Rows become (text, label id). Label names come from the dataset's metadata (HF ClassLabel)
 * when present, else they are the sorted distinct labels of the train split. Empty texts are
 * kept with a warning (HF keeps them; the tokenizer makes them [CLS] [SEP]). Every other bad row
 * stops the load with its file:line, unless {@code skipBadRows}, which skips it and says so.
 */
public final class Datasets {
  /** HF's split names (in the order they are read) and the aliases its data-file patterns accept. */
  private static final Map<String, List<String>> SPLIT_NAMES = splitNames();

  private Datasets() {}

  private static Map<String, List<String>> splitNames() {
    Map<String, List<String>> names = new LinkedHashMap<>();
    names.put(TextDataset.TRAIN, List.of("train", "training"));
    names.put(TextDataset.VALIDATION, List.of("validation", "valid", "val", "dev"));
    names.put(TextDataset.TEST, List.of("test", "testing", "eval"));
    return java.util.Collections.unmodifiableMap(names);
  }

  /** Loads {@code options.spec()}, looking names up where this process's environment says. */
  public static TextDataset load(DataOptions options) {
    return load(options, DataLocations.fromEnvironment());
  }

  /** Loads {@code options.spec()}: a folder, a file, {@code TUNEKIT_DATA/<name>}, or a Hub dataset id. */
  public static TextDataset load(DataOptions options, DataLocations where) {
    String spec = options.spec();
    Path path = Path.of(spec);
    if (Files.isDirectory(path)) {
      Path fileName = path.toAbsolutePath().normalize().getFileName();
      String name = fileName == null ? spec : fileName.toString();
      return fromFolder(path, name, options, declaredLabels(path, options, name));
    }
    if (Files.isRegularFile(path)) {
      return fromSingleFile(path, options);
    }
    Path named = KnownDatasets.findLocal(where.tunekitData(), spec);
    if (named != null) {
      return fromFolder(named, named.getFileName().toString(), options, declaredLabels(named, options, spec));
    }
    if (ModelSources.looksLikePath(spec) || RowReader.EXTENSIONS.contains(extension(spec))) {
      throw new TunekitException("dataset \"" + spec + "\" not found: it is not a folder or file, and no "
          + "folder of that name is under TUNEKIT_DATA" + KnownDatasets.dataHint(where.tunekitData())
          + "; give --data DIR (train/validation/test files) or set TUNEKIT_DATA");
    }
    return fromHub(KnownDatasets.hubId(spec), options, where.hub());
  }

  /** A Hub dataset: its Parquet export's split folders, labels from its card. */
  private static TextDataset fromHub(String id, DataOptions options, HubSettings hub) {
    HubDatasets.Snapshot snapshot = new HubDatasets(hub).resolve(id, SPLIT_NAMES);
    String repo = snapshot.id().id();
    String name = repo.substring(repo.lastIndexOf('/') + 1);
    List<String> labels = snapshot.card() != null ? LabelMetadata.find(snapshot.card(), options.labelColumn()) : null;
    return fromFolder(snapshot.config(), name, options, labels != null ? labels : KnownDatasets.labelsFor(repo));
  }

  /** ClassLabel names the folder's metadata declares, else those known for the dataset's name. */
  private static List<String> declaredLabels(Path folder, DataOptions options, String name) {
    List<String> declared = LabelMetadata.find(folder, options.labelColumn());
    return declared != null ? declared : KnownDatasets.labelsFor(name);
  }

  private static String extension(String spec) {
    int dot = spec.lastIndexOf('.');
    return dot < 0 ? "" : spec.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** A folder holding one file (or HF-style shards, or a folder of shards) per split. */
  static TextDataset fromFolder(Path folder, String name, DataOptions options, List<String> declaredLabels) {
    Map<String, List<Row>> rows = new LinkedHashMap<>();
    for (String split : List.of(TextDataset.TRAIN, TextDataset.VALIDATION, TextDataset.TEST)) {
      List<Path> files = splitFiles(folder, split);
      if (files.isEmpty()) {
        throw new TunekitException(folder + ": no " + split + " split; add " + split + ".jsonl (or .csv, .tsv, "
            + ".parquet)" + (split.equals(TextDataset.TRAIN) ? "" : ", or give one file with --split-ratios"));
      }
      List<Row> all = new ArrayList<>();
      for (Path f : files) {
        all.addAll(RowReader.forFile(f).read(f));
      }
      if (all.isEmpty()) {
        throw new TunekitException(files.get(0) + ": the " + split + " split has no rows");
      }
      rows.put(split, all);
    }
    return build(name, rows, options, declaredLabels);
  }

  /** One file, shuffled with the seed and cut by the ratios into train / validation / test. */
  static TextDataset fromSingleFile(Path file, DataOptions options) {
    double[] ratios = options.splitRatios() != null ? options.splitRatios() : new double[] {0.8, 0.1, 0.1};
    checkRatios(ratios);
    List<Row> all = RowReader.forFile(file).read(file);
    if (all.isEmpty()) {
      throw new TunekitException(file + ": no rows");
    }
    List<Row> shuffled = new ArrayList<>(all);
    java.util.Collections.shuffle(shuffled, new Random(options.seed()));
    int n = shuffled.size();
    int trainEnd = (int) Math.round(n * ratios[0]);
    int validationEnd = trainEnd + (int) Math.round(n * ratios[1]);
    Map<String, List<Row>> rows = new LinkedHashMap<>();
    rows.put(TextDataset.TRAIN, shuffled.subList(0, trainEnd));
    rows.put(TextDataset.VALIDATION, shuffled.subList(trainEnd, Math.min(n, validationEnd)));
    rows.put(TextDataset.TEST, shuffled.subList(Math.min(n, validationEnd), n));
    rows.forEach((split, r) -> {
      if (r.isEmpty()) {
        throw new TunekitException(file + ": " + n + " rows are too few for --split-ratios "
            + ratios[0] + "," + ratios[1] + "," + ratios[2] + " (the " + split + " split would be empty)");
      }
    });
    String name = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
    return build(name, rows, options, LabelMetadata.find(file.toAbsolutePath().getParent(), options.labelColumn()));
  }

  private static void checkRatios(double[] r) {
    double sum = 0;
    for (double v : r) {
      if (!(v > 0 && v < 1)) {
        throw new TunekitException("--split-ratios must be three fractions in (0, 1) such as 0.8,0.1,0.1");
      }
      sum += v;
    }
    if (r.length != 3 || Math.abs(sum - 1) > 1e-6) {
      throw new TunekitException("--split-ratios must be three fractions that add up to 1, such as 0.8,0.1,0.1");
    }
  }

  /**
   * Files of one split: {@code <split>.<ext>} or shards {@code <split>-00000-of-00001.<ext>}, also
   * under data/; else every data file in a folder named after the split ({@code train/0000.parquet},
   * the Hub's Parquet export).
   */
  static List<Path> splitFiles(Path folder, String split) {
    for (Path dir : List.of(folder, folder.resolve("data"))) {
      List<Path> found = dataFiles(dir, name -> isSplitFile(name, split));
      if (!found.isEmpty()) {
        return found;
      }
    }
    for (String alias : SPLIT_NAMES.get(split)) {
      List<Path> found = dataFiles(folder.resolve(alias), name -> RowReader.EXTENSIONS.contains(extension(name)));
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  /** The files of {@code dir} whose names pass, sorted; none when it is not a folder. */
  private static List<Path> dataFiles(Path dir, java.util.function.Predicate<String> nameMatches) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> nameMatches.test(f.getFileName().toString()))
          .sorted(Comparator.comparing(Path::toString))
          .toList();
    } catch (IOException e) {
      throw new TunekitException(dir + ": cannot list (" + e.getMessage() + ")");
    }
  }

  private static boolean isSplitFile(String fileName, String split) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    String ext = lower.contains(".") ? lower.substring(lower.lastIndexOf('.') + 1) : "";
    if (!RowReader.EXTENSIONS.contains(ext)) {
      return false;
    }
    String stem = lower.substring(0, lower.length() - ext.length() - 1);
    for (String alias : SPLIT_NAMES.get(split)) {
      if (stem.equals(alias) || stem.startsWith(alias + "-") || stem.startsWith(alias + "_")) {
        return true;
      }
    }
    return false;
  }

  private static TextDataset build(String name, Map<String, List<Row>> rows, DataOptions options, List<String> declared) {
    LabelIndex index = declared != null ? LabelIndex.declared(declared)
        : LabelIndex.fromValues(labelValues(rows.get(TextDataset.TRAIN), options));
    BadRows bad = new BadRows(options.skipBadRows());
    Map<String, Split> splits = new LinkedHashMap<>();
    int empty = 0;
    String firstEmpty = null;
    for (Map.Entry<String, List<Row>> e : rows.entrySet()) {
      List<String> texts = new ArrayList<>();
      List<Integer> labels = new ArrayList<>();
      for (Row row : e.getValue()) {
        String text;
        int label;
        try {
          text = text(row, options.textColumn());
          label = index.id(row.where(), row.fields().get(options.labelColumn()), options.labelColumn(), row);
        } catch (TunekitException ex) {
          bad.add(ex);
          continue;
        }
        if (text.isBlank()) {
          empty++;
          firstEmpty = firstEmpty == null ? row.where() : firstEmpty;
        }
        texts.add(text);
        labels.add(label);
      }
      if (texts.isEmpty()) {
        throw new TunekitException("the " + e.getKey() + " split of " + name + " has no usable rows");
      }
      splits.put(e.getKey(), new Split(e.getKey(), texts, labels.stream().mapToInt(Integer::intValue).toArray()));
    }
    bad.report();
    if (empty > 0) {
      Log.warn(empty + " empty or whitespace-only texts kept (first at " + firstEmpty + "); they encode as [CLS] [SEP]");
    }
    return new TextDataset(name, new Labels(index.names()), splits);
  }

  private static String text(Row row, String column) {
    Object v = row.fields().get(column);
    if (v == null && !row.fields().containsKey(column)) {
      throw new TunekitException(row.where() + ": no column \"" + column + "\" (columns: "
          + String.join(", ", row.fields().keySet()) + "); use --text-column");
    }
    if (!(v instanceof String s)) {
      throw new TunekitException(row.where() + ": \"" + column + "\" is " + v + ", not a string");
    }
    return s;
  }

  private static List<Object> labelValues(List<Row> train, DataOptions options) {
    List<Object> values = new ArrayList<>();
    for (Row row : train) {
      if (row.fields().containsKey(options.labelColumn()) && row.fields().get(options.labelColumn()) != null) {
        values.add(row.fields().get(options.labelColumn()));
      }
    }
    return values;
  }

  /** Label values to ids: declared names, or the sorted distinct values of the train split. */
  record LabelIndex(List<String> names, boolean declared) {
    static LabelIndex declared(List<String> names) {
      return new LabelIndex(names, true);
    }

    static LabelIndex fromValues(List<Object> values) {
      Set<String> distinct = new LinkedHashSet<>();
      boolean allIntegers = true;
      for (Object v : values) {
        String key = key(v);
        distinct.add(key);
        allIntegers &= isInteger(key);
      }
      List<String> names = new ArrayList<>(distinct);
      if (allIntegers) {
        names.sort(Comparator.comparingLong(Long::parseLong));
      } else {
        names.sort(Comparator.naturalOrder());
      }
      return new LabelIndex(names, false);
    }

    int id(String where, Object value, String column, Row row) {
      if (value == null) {
        throw new TunekitException(where + ": " + (row.fields().containsKey(column) ? "empty label" : "no column \""
            + column + "\" (columns: " + String.join(", ", row.fields().keySet()) + "); use --label-column"));
      }
      String key = key(value);
      int byName = names.indexOf(key);
      if (byName >= 0 && !(declared && isInteger(key))) {
        return byName;
      }
      if (declared && isInteger(key)) {
        long id = Long.parseLong(key);
        if (id >= 0 && id < names.size()) {
          return (int) id;
        }
      }
      throw new TunekitException(where + ": label " + key + " is outside the label set " + names
          + (declared ? " declared by the dataset" : " of the train split"));
    }

    private static String key(Object v) {
      if (v instanceof Double d && d == Math.rint(d)) {
        return Long.toString(d.longValue());
      }
      return String.valueOf(v).strip();
    }

    private static boolean isInteger(String s) {
      return s.matches("-?\\d{1,18}");
    }
  }

  /** Rows skipped under --skip-bad-rows, reported once. */
  private static final class BadRows {
    private final boolean skip;
    private final List<String> reasons = new ArrayList<>();

    BadRows(boolean skip) {
      this.skip = skip;
    }

    void add(TunekitException e) {
      if (!skip) {
        throw new TunekitException(e.getMessage() + " (or pass --skip-bad-rows to skip such rows)");
      }
      reasons.add(e.getMessage());
    }

    void report() {
      if (!reasons.isEmpty()) {
        Log.warn("skipped " + reasons.size() + " bad rows: " + String.join(" | ", reasons.subList(0, Math.min(5, reasons.size())))
            + (reasons.size() > 5 ? " | ..." : ""));
      }
    }
  }
}
