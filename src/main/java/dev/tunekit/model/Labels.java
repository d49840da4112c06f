package dev.tunekit.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Class names by id: HF's {@code id2label} / {@code label2id}. */
public record Labels(List<String> names) {
  public Labels {
    names = List.copyOf(names);
  }

  /** HF's default when a config names no labels: {@code LABEL_0 ... LABEL_{n-1}}. */
  public static Labels generic(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add("LABEL_" + i);
    }
    return new Labels(names);
  }

  public int count() {
    return names.size();
  }

  public String name(int id) {
    return names.get(id);
  }

  public Map<String, String> id2label() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(Integer.toString(i), names.get(i));
    }
    return m;
  }

  public Map<String, Integer> label2id() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), i);
    }
    return m;
  }
}
