package dev.tunekit.data;

import dev.tunekit.TunekitException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parquet through DuckDB's embedded engine: no Hadoop, every compression HF's exports use.
 * Rows keep file order; "where" names the 1-based row.
 */
public final class ParquetReader implements RowReader {
  @Override
  public List<Row> read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new TunekitException(file + ": file not found");
    }
    List<Row> rows = new ArrayList<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement query = db.prepareStatement("SELECT * FROM read_parquet(?)")) {
      query.setString(1, file.toString());
      try (ResultSet rs = query.executeQuery()) {
        ResultSetMetaData meta = rs.getMetaData();
        long rowNo = 0;
        while (rs.next()) {
          rowNo++;
          Map<String, Object> fields = new LinkedHashMap<>();
          for (int c = 1; c <= meta.getColumnCount(); c++) {
            Object v = rs.getObject(c);
            if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
              v = ((Number) v).longValue();
            }
            fields.put(meta.getColumnName(c), v);
          }
          rows.add(new Row(file + ":row " + rowNo, fields));
        }
      }
    } catch (SQLException e) {
      String why = e.getMessage() == null ? "unknown error" : e.getMessage().lines().findFirst().orElse("");
      throw new TunekitException(file + ": cannot read Parquet (" + why + "); is it a Parquet file?");
    }
    return rows;
  }
}
