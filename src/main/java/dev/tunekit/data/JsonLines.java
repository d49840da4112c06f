package dev.tunekit.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.TunekitException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JSON Lines: one JSON object per line; blank lines are skipped. Errors name file:line. */
public final class JsonLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLines() {}

  /** The string field {@code column} of every line of {@code file}. */
  public static List<String> readTexts(Path file, String column) {
    List<String> texts = new ArrayList<>();
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    int lineNo = 0;
    try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file), decoder))) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode row;
        try {
          row = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new TunekitException(file + ":" + lineNo + ": not valid JSON (" + e.getOriginalMessage()
              + "); each line must be one JSON object such as {\"" + column + "\": \"...\"}");
        }
        JsonNode value = row == null ? null : row.get(column);
        if (value == null || !value.isTextual()) {
          throw new TunekitException(file + ":" + lineNo + ": no string field \"" + column
              + "\"; each line must look like {\"" + column + "\": \"...\"}");
        }
        texts.add(value.asText());
      }
    } catch (NoSuchFileException e) {
      throw new TunekitException(file + ": file not found");
    } catch (CharacterCodingException e) {
      throw new TunekitException(file + ":" + (lineNo + 1) + ": invalid UTF-8; save the file as UTF-8");
    } catch (IOException e) {
      throw new TunekitException(file + ": cannot read (" + e.getMessage() + ")");
    }
    return texts;
  }
}
