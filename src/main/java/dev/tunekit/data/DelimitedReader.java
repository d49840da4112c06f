package dev.tunekit.data;

import dev.tunekit.TunekitException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV or TSV with a header row, parsed by Apache Commons CSV (RFC 4180: quoted fields may hold
 * commas, quotes and newlines). Every value is a string; labels that all read as integers are
 * taken as integers later.
 */
public final class DelimitedReader implements RowReader {
  private final char delimiter;

  public DelimitedReader(char delimiter) {
    this.delimiter = delimiter;
  }

  @Override
  public List<Row> read(Path file) {
    CSVFormat format = CSVFormat.RFC4180.builder()
        .setDelimiter(delimiter)
        .setHeader()
        .setSkipHeaderRecord(true)
        .setIgnoreEmptyLines(true)
        .get();
    List<Row> rows = new ArrayList<>();
    long line = 1;
    try (Reader in = new java.io.StringReader(TextFiles.read(file)); CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get()) {
      List<String> header = parser.getHeaderNames();
      line = parser.getCurrentLineNumber() + 1;
      for (CSVRecord record : parser) {
        if (!record.isConsistent()) {
          throw new TunekitException(file + ":" + line + ": " + record.size() + " fields but the header has "
              + header.size() + "; quote fields that contain the delimiter");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (String name : header) {
          fields.put(name, record.get(name));
        }
        rows.add(new Row(file + ":" + line, fields));
        line = parser.getCurrentLineNumber() + 1;
      }
    } catch (UncheckedIOException e) {
      throw failure(file, line, e.getCause());
    } catch (IOException e) {
      throw failure(file, line, e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new TunekitException(file + ":" + line + ": malformed " + (delimiter == ',' ? "CSV" : "TSV")
          + " (" + e.getMessage() + ")");
    }
    return rows;
  }

  private static TunekitException failure(Path file, long line, IOException e) {
    if (e.getMessage() != null && e.getMessage().contains("EOF reached before encapsulated token finished")) {
      return new TunekitException(file + ":" + line + ": a quoted field never ends; close the quote");
    }
    return new TunekitException(file + ":" + line + ": cannot read (" + e.getMessage() + ")");
  }
}
