package dev.tunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.hub.HubSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path tmp;
  final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void captureLog() {
    Log.setStream(new PrintStream(log, true));
  }

  @AfterEach
  void restoreLog() {
    Log.setStream(System.err);
  }

  static TextDataset load(Path p) {
    return Datasets.load(DataOptions.of(p.toString()));
  }

  /** A folder with the three splits, each file given as text. */
  Path folder(String ext, String train, String validation, String test) throws IOException {
    Path d = Files.createDirectories(tmp.resolve("ds-" + ext));
    Files.writeString(d.resolve("train." + ext), train);
    Files.writeString(d.resolve("validation." + ext), validation);
    Files.writeString(d.resolve("test." + ext), test);
    return d;
  }

  String error(Path dataset) {
    TunekitException e = assertThrows(TunekitException.class, () -> load(dataset));
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  @Test
  void rottenTomatoesLoadsExactlyAsHfSplitsIt() {
    TextDataset rt = load(Fixtures.shared().resolve("data/rotten_tomatoes"));
    assertEquals(List.of("neg", "pos"), rt.labels().names(), "HF's ClassLabel names");
    assertEquals(8530, rt.train().size());
    assertEquals(1066, rt.validation().size());
    assertEquals(1066, rt.test().size());
    assertArrayEquals(new int[] {4265, 4265}, rt.train().labelCounts(2));
    assertArrayEquals(new int[] {533, 533}, rt.validation().labelCounts(2));
    assertArrayEquals(new int[] {533, 533}, rt.test().labelCounts(2));
    assertTrue(rt.train().texts().get(0).startsWith("the rock is destined"));
    assertTrue(rt.validation().texts().get(0).startsWith("compassionately explores"));
    assertTrue(rt.test().texts().get(0).startsWith("lovingly photographed"));
    assertEquals(1, rt.train().labels()[0], "first train example is positive");
  }

  @Test
  void fingerprintFollowsContent() throws IOException {
    Path a = folder("jsonl", "{\"text\": \"x\", \"label\": 0}\n{\"text\": \"y\", \"label\": 1}\n",
        "{\"text\": \"v\", \"label\": 0}\n", "{\"text\": \"t\", \"label\": 1}\n");
    String before = load(a).train().fingerprint();
    assertEquals(before, load(a).train().fingerprint());
    Files.writeString(a.resolve("train.jsonl"), "{\"text\": \"x\", \"label\": 0}\n{\"text\": \"y!\", \"label\": 1}\n");
    assertNotEquals(before, load(a).train().fingerprint());
  }

  @Test
  void csvWithQuotedCommasQuotesAndNewlines() throws IOException {
    Path d = folder("csv", "text,label\n\"a, b\",pos\n\"say \"\"hi\"\"\nthen go\",neg\nplain,pos\n",
        "label,text\nneg,\"x,y\"\n", "text,label\nz,pos\n");
    TextDataset ds = load(d);
    assertEquals(List.of("neg", "pos"), ds.labels().names(), "sorted distinct string labels");
    assertEquals(List.of("a, b", "say \"hi\"\nthen go", "plain"), ds.train().texts());
    assertArrayEquals(new int[] {1, 0, 1}, ds.train().labels());
    assertEquals("x,y", ds.validation().texts().get(0));
  }

  @Test
  void tsvAndIntegerLabelsFromText() throws IOException {
    Path d = folder("tsv", "text\tlabel\none\t2\ntwo\t10\n", "text\tlabel\nthree\t2\n", "text\tlabel\nfour\t10\n");
    TextDataset ds = load(d);
    assertEquals(List.of("2", "10"), ds.labels().names(), "integer labels sort numerically");
    assertArrayEquals(new int[] {0, 1}, ds.train().labels());
  }

  @Test
  void parquetWithoutHadoop() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("pq"));
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement()) {
      for (String split : List.of("train", "validation", "test")) {
        s.execute("COPY (SELECT * FROM (VALUES ('good, really', 1), ('bad', 0)) t(text, label)) TO '"
            + d.resolve(split + "-00000-of-00001.parquet") + "' (FORMAT parquet)");
      }
    }
    TextDataset ds = load(d);
    assertEquals(List.of("good, really", "bad"), ds.test().texts());
    assertArrayEquals(new int[] {1, 0}, ds.test().labels());
  }

  @Test
  void labelNamesFromDatasetCard() throws IOException {
    Path d = folder("jsonl", "{\"text\": \"x\", \"label\": 1}\n", "{\"text\": \"v\", \"label\": 0}\n",
        "{\"text\": \"t\", \"label\": 2}\n");
    Files.writeString(d.resolve("README.md"), "---\ndataset_info:\n  features:\n  - name: text\n    dtype: string\n"
        + "  - name: label\n    dtype:\n      class_label:\n        names:\n          '0': sad\n          '1': meh\n"
        + "          '2': glad\n---\n# card\n");
    TextDataset ds = load(d);
    assertEquals(List.of("sad", "meh", "glad"), ds.labels().names());
    assertArrayEquals(new int[] {2}, ds.test().labels());
  }

  @Test
  void cardLabelIdsMustCountFromZero() throws IOException {
    // An id too long for an int used to escape as a NumberFormatException; a gap silently shifted names.
    Path d = folder("jsonl", "{\"text\": \"x\", \"label\": 1}\n", "{\"text\": \"v\", \"label\": 0}\n",
        "{\"text\": \"t\", \"label\": 0}\n");
    for (String ids : new String[] {"'0': sad\n          '99999999999999': glad", "'0': sad\n          '2': glad"}) {
      Files.writeString(d.resolve("README.md"), "---\ndataset_info:\n  features:\n  - name: label\n    dtype:\n"
          + "      class_label:\n        names:\n          " + ids + "\n---\n");
      String e = error(d);
      assertTrue(e.startsWith(d.resolve("README.md") + ":9: class label ids must count 0, 1, 2, ... in order"), e);
    }
  }

  @Test
  void labelOutsideDeclaredSet() throws IOException {
    Path d = folder("jsonl", "{\"text\": \"x\", \"label\": 1}\n", "{\"text\": \"v\", \"label\": 0}\n",
        "{\"text\": \"t\", \"label\": 0}\n{\"text\": \"u\", \"label\": 7}\n");
    Files.writeString(d.resolve("dataset_info.json"), "{\"features\": {\"label\": {\"names\": [\"neg\", \"pos\"], \"_type\": \"ClassLabel\"}}}");
    assertTrue(error(d).contains("test.jsonl:2: label 7 is outside the label set [neg, pos]"));
  }

  @Test
  void labelMissingFromTrain() throws IOException {
    Path d = folder("jsonl", "{\"text\": \"x\", \"label\": \"a\"}\n", "{\"text\": \"v\", \"label\": \"b\"}\n",
        "{\"text\": \"t\", \"label\": \"a\"}\n");
    assertTrue(error(d).contains("validation.jsonl:1: label b is outside the label set [a] of the train split"));
  }

  @Test
  void malformedJsonNamesFileAndLine() throws IOException {
    Path d = folder("jsonl", "{\"text\": \"x\", \"label\": 1}\n{\"text\": oops}\n", "", "");
    assertTrue(error(d).contains("train.jsonl:2: not valid JSON"));
  }

  @Test
  void missingColumnListsTheColumns() throws IOException {
    Path d = folder("jsonl", "{\"review\": \"x\", \"label\": 1}\n{\"review\": \"w\", \"label\": 0}\n", "{\"review\": \"v\", \"label\": 0}\n",
        "{\"review\": \"t\", \"label\": 0}\n");
    String e = error(d);
    assertTrue(e.contains("train.jsonl:1: no column \"text\" (columns: review, label); use --text-column"), e);
    TextDataset ds = Datasets.load(DataOptions.of(d.toString()).withColumns("review", "label"));
    assertEquals("x", ds.train().texts().get(0));
  }

  @Test
  void invalidUtf8NamesTheLine() throws IOException {
    Path d = folder("jsonl", "", "{\"text\": \"v\", \"label\": 0}\n", "{\"text\": \"t\", \"label\": 0}\n");
    byte[] latin1 = "{\"text\": \"ok\", \"label\": 0}\n{\"text\": \"caf\u00e9\", \"label\": 1}\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(d.resolve("train.jsonl"), latin1);
    assertTrue(error(d).contains("train.jsonl:2: invalid UTF-8"));
  }

  @Test
  void unterminatedCsvQuote() throws IOException {
    Path d = folder("csv", "text,label\n\"never closed,1\n", "text,label\nv,0\n", "text,label\nt,1\n");
    assertTrue(error(d).matches(".*train.csv:2: a quoted field never ends; close the quote"), error(d));
  }

  @Test
  void emptySplitAndMissingSplit() throws IOException {
    Path d = folder("jsonl", "{\"text\": \"x\", \"label\": 1}\n", "\n", "{\"text\": \"t\", \"label\": 0}\n");
    assertTrue(error(d).contains("validation split has no rows"));
    Files.delete(d.resolve("validation.jsonl"));
    assertTrue(error(d).contains("no validation split"));
  }

  @Test
  void emptyTextIsKeptWithAWarning() throws IOException {
    Path d = folder("jsonl", "{\"text\": \"  \", \"label\": 1}\n{\"text\": \"x\", \"label\": 0}\n",
        "{\"text\": \"v\", \"label\": 0}\n", "{\"text\": \"t\", \"label\": 1}\n");
    assertEquals(2, load(d).train().size());
    assertTrue(log.toString().contains("1 empty or whitespace-only texts kept (first at " + d.resolve("train.jsonl") + ":1)"), log.toString());
  }

  @Test
  void skipBadRowsSaysWhichRows() throws IOException {
    Path d = folder("jsonl", "{\"text\": \"x\", \"label\": 1}\n{\"text\": 5, \"label\": 0}\n{\"text\": \"y\"}\n",
        "{\"text\": \"v\", \"label\": 1}\n", "{\"text\": \"t\", \"label\": 1}\n");
    assertTrue(error(d).contains("--skip-bad-rows"));
    TextDataset ds = Datasets.load(DataOptions.of(d.toString()).withSkipBadRows(true));
    assertEquals(1, ds.train().size());
    assertTrue(log.toString().contains("skipped 2 bad rows") && log.toString().contains("train.jsonl:2")
        && log.toString().contains("train.jsonl:3"), log.toString());
  }

  @Test
  void singleFileSplitsBySeededRatios() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      sb.append("{\"text\": \"t").append(i).append("\", \"label\": ").append(i % 2).append("}\n");
    }
    Path file = Files.writeString(tmp.resolve("all.jsonl"), sb.toString());
    DataOptions options = DataOptions.of(file.toString()).withSplitRatios(new double[] {0.7, 0.2, 0.1}, 7);
    TextDataset a = Datasets.load(options);
    assertEquals(70, a.train().size());
    assertEquals(20, a.validation().size());
    assertEquals(10, a.test().size());
    Set<String> all = new HashSet<>();
    a.splits().values().forEach(s -> all.addAll(s.texts()));
    assertEquals(100, all.size(), "the splits partition the file");
    assertEquals(a.test().texts(), Datasets.load(options).test().texts(), "same seed, same split");
    assertNotEquals(a.test().texts(), Datasets.load(options.withSplitRatios(new double[] {0.7, 0.2, 0.1}, 8)).test().texts());
    TunekitException bad = assertThrows(TunekitException.class,
        () -> Datasets.load(options.withSplitRatios(new double[] {0.7, 0.2, 0.2}, 7)));
    assertTrue(bad.getMessage().contains("add up to 1"));
  }

  @Test
  void namesAreLookedUpUnderTunekitDataBeforeTheHub() {
    Path root = Fixtures.shared().resolve("data"); // TUNEKIT_DATA=../shared/data
    HubSettings offline = new HubSettings(tmp.resolve("hf-cache"), null, null, true, tmp.resolve("tunekit-cache"));
    DataLocations where = new DataLocations(root, offline);
    for (String name : List.of("rotten_tomatoes", "cornell-movie-review-data/rotten_tomatoes")) {
      TextDataset rt = Datasets.load(DataOptions.of(name), where);
      assertEquals(8530, rt.train().size(), name);
      assertEquals(List.of("neg", "pos"), rt.labels().names(), name);
    }
    TunekitException e = assertThrows(TunekitException.class, () -> Datasets.load(DataOptions.of("missing.jsonl"), where));
    assertTrue(e.getMessage().contains("dataset \"missing.jsonl\" not found: it is not a folder or file")
        && e.getMessage().contains(root.toString()), "a file name is not a Hub id: " + e.getMessage());
  }

  @Test
  void datasetByNameUnderTunekitData() {
    TunekitException e = assertThrows(TunekitException.class, () -> Datasets.load(DataOptions.of("no_such_dataset_here")));
    assertTrue(e.getMessage().contains("TUNEKIT_DATA"), e.getMessage());
  }
}
