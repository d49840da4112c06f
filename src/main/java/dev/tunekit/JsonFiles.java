package dev.tunekit;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the small JSON files users hand us (config.json, adapter_config.json, tokenizer_config.json,
 * dataset_info.json): one-line errors that name the file and line, whatever Jackson reports.
 */
public final class JsonFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFiles() {}

  /**
   * The parsed content of {@code file} (a missing node when it is empty); {@code missing} says
   * what to do when the file does not exist, {@code fix} how to repair invalid JSON.
   */
  public static JsonNode read(Path file, String missing, String fix) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TunekitException(file + ": " + missing);
    } catch (IOException e) {
      throw new TunekitException(file + ": cannot read (" + e.getMessage() + ")");
    }
    return parse(bytes, file.toString(), fix);
  }

  /** Parses {@code bytes} (UTF-8, or UTF-16/32 with a byte-order mark) read from {@code where}. */
  public static JsonNode parse(byte[] bytes, String where, String fix) {
    try {
      JsonNode root = JSON.readTree(bytes);
      return root == null ? MissingNode.getInstance() : root;
    } catch (JsonProcessingException e) {
      // Jackson's limits (nesting depth, number length) come without a location.
      JsonLocation at = e.getLocation();
      String line = at != null && at.getLineNr() > 0 ? ":" + at.getLineNr() : "";
      throw new TunekitException(where + line + ": invalid JSON (" + e.getOriginalMessage() + "); " + fix);
    } catch (IOException e) {
      throw new TunekitException(where + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
