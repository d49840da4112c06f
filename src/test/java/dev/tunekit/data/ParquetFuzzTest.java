package dev.tunekit.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parquet data files (read by DuckDB's native engine), through reader and dataset builder. The
 * seeds are written by DuckDB itself: plain, zstd-compressed, and with string labels.
 */
class ParquetFuzzTest {
  static Stream<byte[]> seeds() throws SQLException, IOException {
    String rows = "('a great movie', 1), ('dull and long', 0), ('fine', 1), ('bad', 0), ('good', 1), ('meh', 0), "
        + "('great', 1), ('awful', 0), ('nice', 1), ('poor', 0), ('', 1), (NULL, 0)";
    return Stream.of(
        parquet("SELECT * FROM (VALUES " + rows + ") t(text, label)", "(FORMAT PARQUET)"),
        parquet("SELECT * FROM (VALUES " + rows + ") t(text, label)", "(FORMAT PARQUET, COMPRESSION ZSTD)"),
        parquet("SELECT text, CASE WHEN label = 1 THEN 'pos' ELSE 'neg' END AS label FROM (VALUES " + rows
            + ") t(text, label)", "(FORMAT PARQUET, COMPRESSION UNCOMPRESSED)"));
  }

  private static byte[] parquet(String query, String options) throws SQLException, IOException {
    Path file = Files.createTempFile(Fuzz.scratch(), "seed", ".parquet");
    Files.delete(file);
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement()) {
      s.execute("COPY (" + query + ") TO '" + file + "' " + options);
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.delete(file);
    return bytes;
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void readAndBuild(byte[] input) {
    DataFileFuzz.readAndBuild(Fuzz.write("parquet/data.parquet", input), true);
  }
}
