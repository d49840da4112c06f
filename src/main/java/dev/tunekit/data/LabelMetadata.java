package dev.tunekit.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tunekit.JsonFiles;
import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Label names a dataset declares, as HF's ClassLabel: in {@code dataset_info.json}
 * ({@code save_to_disk}), {@code dataset_infos.json}, or the dataset card's YAML header
 * ({@code dataset_info.features[].dtype.class_label.names}).
 */
final class LabelMetadata {
  /** {@code '0': neg}; linear in the line's length (a lazy {@code (.+?)\s*$} backtracked quadratically). */
  private static final Pattern NAME_ENTRY = Pattern.compile("^\\s+['\"]?(\\d+)['\"]?:\\s*(\\S.*)$");

  private LabelMetadata() {}

  /** The declared names for {@code column}, or null if the folder declares none. */
  static List<String> find(Path folder, String column) {
    for (String file : List.of("dataset_info.json", "dataset_infos.json")) {
      Path f = folder.resolve(file);
      if (Files.isRegularFile(f)) {
        List<String> names = fromJson(f, column);
        if (names != null) {
          return names;
        }
      }
    }
    Path card = folder.resolve("README.md");
    return Files.isRegularFile(card) ? fromCard(card, column) : null;
  }

  private static List<String> fromJson(Path file, String column) {
    JsonNode root = JsonFiles.read(file, "not found", "fix or delete it");
    List<JsonNode> candidates = new ArrayList<>();
    candidates.add(root);
    root.elements().forEachRemaining(candidates::add); // dataset_infos.json: one entry per config
    for (JsonNode info : candidates) {
      JsonNode names = info.path("features").path(column).path("names");
      if (names.isArray() && names.size() > 0) {
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add(n.asText()));
        return out;
      }
    }
    return null;
  }

  /** The YAML header of a dataset card: only the class_label block of {@code column} is read. */
  private static List<String> fromCard(Path card, String column) {
    List<String> lines;
    try {
      lines = Files.readAllLines(card);
    } catch (IOException e) {
      return null;
    }
    if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
      return null;
    }
    boolean inColumn = false;
    boolean inNames = false;
    Map<Integer, String> names = new TreeMap<>();
    for (int i = 1; i < lines.size() && !lines.get(i).strip().equals("---"); i++) {
      String line = lines.get(i);
      String t = line.strip();
      if (t.startsWith("- name:")) {
        if (inNames) {
          break;
        }
        inColumn = t.substring("- name:".length()).strip().equals(column);
        continue;
      }
      if (inColumn && t.equals("names:")) {
        inNames = true;
        continue;
      }
      if (inNames) {
        Matcher m = NAME_ENTRY.matcher(line);
        if (!m.matches()) {
          break;
        }
        int id = labelId(m.group(1));
        if (id != names.size()) {
          throw new TunekitException(card + ":" + (i + 1) + ": class label ids must count 0, 1, 2, ... in order, but "
              + "this one is " + m.group(1) + "; fix the dataset card");
        }
        names.put(id, unquote(m.group(2).strip()));
      }
    }
    return names.isEmpty() ? null : new ArrayList<>(names.values());
  }

  private static int labelId(String digits) {
    return digits.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(digits);
  }

  private static String unquote(String s) {
    if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }
}
