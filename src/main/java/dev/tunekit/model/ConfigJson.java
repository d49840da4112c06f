package dev.tunekit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.TunekitException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Typed reads from a parsed {@code config.json}, with HF's defaults and one-line errors. */
final class ConfigJson {
  /** More classes than any classification head holds: the bound keeps a typo from allocating millions of names. */
  static final int MAX_LABELS = 100_000;

  private final ObjectNode root;
  private final Path file;

  ConfigJson(ObjectNode root, Path file) {
    this.root = root;
    this.file = file;
  }

  ObjectNode root() {
    return root;
  }

  Path file() {
    return file;
  }

  int integer(String key, int fallback) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
      throw bad(key, n, "a non-negative integer");
    }
    return n.asInt();
  }

  int positive(String key, int fallback) {
    int v = integer(key, fallback);
    if (v <= 0) {
      throw bad(key, root.get(key), "a positive integer");
    }
    return v;
  }

  double number(String key, double fallback) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isNumber()) {
      throw bad(key, n, "a number");
    }
    return n.asDouble();
  }

  /** A probability such as a dropout rate; {@code null} in the file gives {@code fallback}. */
  double probability(String key, double fallback) {
    double p = number(key, fallback);
    if (!(p >= 0 && p < 1)) {
      throw bad(key, root.get(key), "a probability in [0, 1)");
    }
    return p;
  }

  boolean bool(String key, boolean fallback) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isBoolean()) {
      throw bad(key, n, "true or false");
    }
    return n.asBoolean();
  }

  String text(String key, String fallback) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return fallback;
    }
    if (!n.isTextual()) {
      throw bad(key, n, "a string");
    }
    return n.asText();
  }

  /** Labels from {@code id2label} (ids 0..n-1), else {@code num_labels} generic ones, else 2. */
  Labels labels() {
    JsonNode id2label = root.get("id2label");
    if (id2label != null && id2label.isObject() && id2label.size() > 0) {
      Map<Integer, String> byId = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = id2label.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        int id;
        try {
          id = Integer.parseInt(e.getKey());
        } catch (NumberFormatException ex) {
          throw bad("id2label", id2label, "a map from ids \"0\", \"1\", ... to names");
        }
        byId.put(id, e.getValue().asText());
      }
      List<String> names = new ArrayList<>(byId.values());
      if (!byId.keySet().equals(new java.util.TreeSet<>(range(names.size())))) {
        throw bad("id2label", id2label, "ids 0.." + (names.size() - 1) + " without gaps");
      }
      return new Labels(names);
    }
    int count = positive("num_labels", 2);
    if (count > MAX_LABELS) {
      throw bad("num_labels", root.get("num_labels"), "at most " + MAX_LABELS);
    }
    return Labels.generic(count);
  }

  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add(i);
    }
    return r;
  }

  TunekitException bad(String key, JsonNode value, String expected) {
    return new TunekitException(file + ": \"" + key + "\" is " + value + " but must be " + expected
        + "; fix config.json");
  }

  TunekitException invalid(String why) {
    return new TunekitException(file + ": " + why + "; fix config.json");
  }
}
