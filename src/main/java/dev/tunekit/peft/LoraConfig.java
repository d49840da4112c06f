package dev.tunekit.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.JsonFiles;
import dev.tunekit.TunekitException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PEFT's {@code LoraConfig} for sequence classification, same field names and defaults:
 * r 8, lora_alpha 8, lora_dropout 0, bias "none", modules_to_save classifier + score (what
 * PEFT adds for task_type SEQ_CLS). Target modules default per model type as PEFT's table
 * does: q_lin, v_lin for DistilBERT; query, value for BERT.
 *
 * @param suffixMatching match modules_to_save as PEFT releases of the seed's era do, by plain
 *     name suffix (on DistilBERT "classifier" then also catches "pre_classifier"); false matches
 *     whole module names ({@code name == m} or {@code name.endsWith("." + m)})
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, List<String> targetModules,
    List<String> modulesToSave, String bias, boolean useRslora, boolean suffixMatching) {

  public LoraConfig {
    if (r <= 0) {
      throw new TunekitException("LoRA rank r must be positive, got " + r);
    }
    if (!(loraDropout >= 0 && loraDropout < 1)) {
      throw new TunekitException("lora_dropout must be in [0, 1), got " + loraDropout);
    }
    if (!List.of("none", "all", "lora_only").contains(bias)) {
      throw new TunekitException("bias \"" + bias + "\" is unknown; use none, all or lora_only");
    }
    targetModules = targetModules == null ? null : List.copyOf(targetModules);
    modulesToSave = List.copyOf(modulesToSave);
  }

  /** PEFT's defaults with the given rank, alpha and dropout; targets chosen per model type. */
  public static LoraConfig of(int r, double alpha, double dropout) {
    return new LoraConfig(r, alpha, dropout, null, List.of("classifier", "score"), "none", false, true);
  }

  /** PEFT's TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING for our model types. */
  public static List<String> defaultTargets(String modelType) {
    return switch (modelType) {
      case "distilbert" -> List.of("q_lin", "v_lin");
      case "bert" -> List.of("query", "value");
      default -> throw new TunekitException("no default LoRA targets for model type " + modelType + "; give --targets");
    };
  }

  public LoraConfig withTargets(List<String> targets) {
    return new LoraConfig(r, loraAlpha, loraDropout, targets, modulesToSave, bias, useRslora, suffixMatching);
  }

  public LoraConfig withModulesToSave(List<String> modules) {
    return new LoraConfig(r, loraAlpha, loraDropout, targetModules, modules, bias, useRslora, suffixMatching);
  }

  public LoraConfig withBias(String b) {
    return new LoraConfig(r, loraAlpha, loraDropout, targetModules, modulesToSave, b, useRslora, suffixMatching);
  }

  public LoraConfig withRslora(boolean rs) {
    return new LoraConfig(r, loraAlpha, loraDropout, targetModules, modulesToSave, bias, rs, suffixMatching);
  }

  public LoraConfig withSuffixMatching(boolean suffix) {
    return new LoraConfig(r, loraAlpha, loraDropout, targetModules, modulesToSave, bias, useRslora, suffix);
  }

  /** alpha / r, or alpha / sqrt(r) with rsLoRA. */
  public double scaling() {
    return useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r;
  }

  /** Does LoRA wrap the module {@code name} (full path)? PEFT: equal to, or ending in "." + target. */
  public boolean targets(String name) {
    for (String t : targetModules) {
      if (name.equals(t) || name.endsWith("." + t)) {
        return true;
      }
    }
    return false;
  }

  /** Is the module {@code name} (full path) trained and saved whole? */
  public boolean saves(String name) {
    for (String m : modulesToSave) {
      if (suffixMatching ? name.endsWith(m) : name.equals(m) || name.endsWith("." + m)) {
        return true;
      }
    }
    return false;
  }

  /** adapter_config.json as PEFT writes it. */
  public ObjectNode toJson(String baseModel) {
    ObjectNode j = new ObjectMapper().createObjectNode();
    j.put("peft_type", "LORA");
    j.put("task_type", "SEQ_CLS");
    j.put("r", r);
    if (loraAlpha == Math.rint(loraAlpha)) {
      j.put("lora_alpha", (int) loraAlpha); // PEFT writes an int when the user gave one
    } else {
      j.put("lora_alpha", loraAlpha);
    }
    j.put("lora_dropout", loraDropout);
    ArrayNode targets = j.putArray("target_modules");
    targetModules.forEach(targets::add);
    ArrayNode save = j.putArray("modules_to_save");
    modulesToSave.forEach(save::add);
    j.put("bias", bias);
    j.put("fan_in_fan_out", false);
    j.put("init_lora_weights", true);
    j.put("inference_mode", true);
    j.put("use_rslora", useRslora);
    j.put("use_dora", false);
    j.putNull("layers_to_transform");
    j.putNull("layers_pattern");
    j.putObject("rank_pattern");
    j.putObject("alpha_pattern");
    j.put("base_model_name_or_path", baseModel);
    j.putNull("revision");
    return j;
  }

  /** Largest rank read from a file: far above any real adapter, and A and B stay small enough to allocate. */
  static final int MAX_RANK = 4096;

  /** Reads {@code dir/adapter_config.json} as written by Python's peft (or by tunekit). */
  public static LoraConfig read(Path dir) {
    Path file = dir.resolve("adapter_config.json");
    JsonNode j = JsonFiles.read(file, "adapter_config.json not found; --adapter must be a folder saved by "
        + "peft's save_pretrained or tunekit lora", "fix adapter_config.json");
    if (!j.isObject()) {
      throw new TunekitException(file + ": not a JSON object");
    }
    String type = j.path("peft_type").asText("");
    if (!type.equals("LORA")) {
      throw new TunekitException(file + ": peft_type \"" + type + "\" is not supported; tunekit reads LORA adapters");
    }
    if (j.path("use_dora").asBoolean(false)) {
      throw new TunekitException(file + ": DoRA adapters are not supported");
    }
    if (j.path("fan_in_fan_out").asBoolean(false)) {
      throw new TunekitException(file + ": fan_in_fan_out adapters (GPT-2 style Conv1D) are not supported");
    }
    List<String> targets = strings(j.get("target_modules"), file, "target_modules");
    List<String> save = j.hasNonNull("modules_to_save") ? strings(j.get("modules_to_save"), file, "modules_to_save") : List.of();
    JsonNode r = j.path("r");
    if (!r.isMissingNode() && !(r.isIntegralNumber() && r.canConvertToInt() && r.asInt() >= 1 && r.asInt() <= MAX_RANK)) {
      throw new TunekitException(file + ": r is " + r + " but must be an integer from 1 to " + MAX_RANK);
    }
    try {
      return new LoraConfig(r.asInt(8), number(j, "lora_alpha", 8, file), number(j, "lora_dropout", 0, file),
          targets, save, j.path("bias").asText("none"), j.path("use_rslora").asBoolean(false), true);
    } catch (TunekitException e) {
      throw new TunekitException(file + ": " + e.getMessage());
    }
  }

  private static double number(JsonNode j, String field, double fallback, Path file) {
    JsonNode n = j.path(field);
    if (n.isMissingNode() || n.isNull()) {
      return fallback;
    }
    if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
      throw new TunekitException(file + ": " + field + " is " + n + " but must be a number");
    }
    return n.asDouble();
  }

  private static List<String> strings(JsonNode node, Path file, String field) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isTextual()) {
      throw new TunekitException(file + ": " + field + " is a regular expression; tunekit reads a list of module names");
    }
    if (node == null || !node.isArray()) {
      throw new TunekitException(file + ": " + field + " is missing or not a list");
    }
    node.forEach(n -> out.add(n.asText()));
    return out;
  }
}
