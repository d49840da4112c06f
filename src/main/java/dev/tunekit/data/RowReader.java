package dev.tunekit.data;

import dev.tunekit.TunekitException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Reads the rows of one data file; the format follows the file's extension. */
public interface RowReader {
  List<Row> read(Path file);

  /** Extensions tunekit reads, in the order a folder is searched. */
  List<String> EXTENSIONS = List.of("jsonl", "json", "csv", "tsv", "parquet");

  static RowReader forFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
      return new JsonLinesReader();
    }
    if (name.endsWith(".csv")) {
      return new DelimitedReader(',');
    }
    if (name.endsWith(".tsv")) {
      return new DelimitedReader('\t');
    }
    if (name.endsWith(".parquet")) {
      return new ParquetReader();
    }
    throw new TunekitException(file + ": unknown data format; use .jsonl, .csv, .tsv or .parquet");
  }
}
