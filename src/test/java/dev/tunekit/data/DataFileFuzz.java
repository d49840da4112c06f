package dev.tunekit.data;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fuzz;
import java.nio.file.Path;
import java.util.Map;

/** The check shared by the data-file fuzz targets: read the rows, then build a dataset from them. */
final class DataFileFuzz {
  private DataFileFuzz() {}

  /** Reads {@code file} as its extension says and splits it into a dataset; labels stay in range. */
  static void readAndBuild(Path file, boolean skipBadRows) {
    Fuzz.parse(() -> {
      for (Row row : RowReader.forFile(file).read(file)) {
        assertNotNull(row.where());
        assertNotNull(row.fields());
      }
      TextDataset d = Datasets.fromSingleFile(file, DataOptions.of(file.toString()).withSkipBadRows(skipBadRows));
      for (Map.Entry<String, Split> e : d.splits().entrySet()) {
        for (int label : e.getValue().labels()) {
          assertTrue(label >= 0 && label < d.labels().count(), e.getKey() + " label " + label + " in range");
        }
      }
    });
  }
}
