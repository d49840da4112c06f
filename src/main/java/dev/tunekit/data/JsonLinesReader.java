package dev.tunekit.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.TunekitException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Lines: one JSON object per line; blank lines are skipped. */
public final class JsonLinesReader implements RowReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public List<Row> read(Path file) {
    List<Row> rows = new ArrayList<>();
    TextFiles.readLines(file, (lineNo, line) -> {
      if (line.isBlank()) {
        return;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new TunekitException(file + ":" + lineNo + ": not valid JSON (" + e.getOriginalMessage()
            + "); each line must be one JSON object such as {\"text\": \"...\", \"label\": 0}");
      }
      if (node == null || !node.isObject()) {
        throw new TunekitException(file + ":" + lineNo + ": not a JSON object; each line must look like "
            + "{\"text\": \"...\", \"label\": 0}");
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> fields.put(f.getKey(), value(f.getValue())));
      rows.add(new Row(file + ":" + lineNo, fields));
    });
    return rows;
  }

  private static Object value(JsonNode v) {
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() ? (Object) v.asLong() : v.asText();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return v.isNull() ? null : v.toString();
  }

  /** The string field {@code column} of every line (for inputs such as {@code embed --input}). */
  public static List<String> readTexts(Path file, String column) {
    List<String> texts = new ArrayList<>();
    for (Row row : new JsonLinesReader().read(file)) {
      Object v = row.fields().get(column);
      if (!(v instanceof String s)) {
        throw new TunekitException(row.where() + ": no string field \"" + column + "\"; each line must look like {\""
            + column + "\": \"...\"}");
      }
      texts.add(s);
    }
    return texts;
  }

}
