package dev.tunekit.peft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.AtomicFile;
import dev.tunekit.JsonFiles;
import dev.tunekit.Log;
import dev.tunekit.TunekitException;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.Labels;
import dev.tunekit.model.Linear;
import dev.tunekit.model.LinearFactory;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.SavePretrained;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.model.Weights;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/**
 * A sequence classifier with LoRA adapters, PEFT's {@code PeftModelForSequenceClassification}:
 * the base weights frozen; trained are the adapters of the target layers, the modules_to_save
 * (the head) and, unlike PEFT, any head-path module the checkpoint lacked (BERT's pooler on a
 * bare encoder), which PEFT would leave frozen and random. Saved and loaded in PEFT's format.
 */
public final class LoraModel implements SequenceClassifier {
  /** PEFT's key prefix in adapter_model.safetensors. */
  public static final String PREFIX = "base_model.model.";
  static final String LABELS_FILE = "labels.json";

  private final SequenceClassifier base;
  private final LoraConfig config;
  private final Map<String, LoraLinear> layers;
  private final Map<String, Tensor> trainable;

  /** {@code linears}: every Linear of {@code base} by module name, the LoRA ones among them. */
  private LoraModel(SequenceClassifier base, LoraConfig config, Map<String, Linear> linears) {
    this.base = base;
    this.config = config;
    this.layers = adapted(linears);
    this.trainable = collectTrainable();
    linears.forEach((name, linear) -> linear.frozen(!trainable.containsKey(name + ".weight")));
  }

  /**
   * New adapters on the model in {@code modelDir} with a head for {@code labels}. With
   * {@code peftCompat}, modules the checkpoint lacked stay frozen exactly as PEFT leaves them.
   */
  public static LoraModel create(Path modelDir, Labels labels, LoraConfig config, boolean newHead, boolean peftCompat) {
    ModelConfig modelConfig = AutoModel.config(modelDir);
    LoraConfig c = config.targetModules() == null
        ? config.withTargets(LoraConfig.defaultTargets(modelConfig.modelType())) : config;
    Map<String, Linear> linears = new LinkedHashMap<>();
    SequenceClassifier base = AutoModel.forLabels(modelDir, labels, newHead, factory(c, linears));
    if (adapted(linears).isEmpty()) {
      throw new TunekitException("no module matches the LoRA targets " + c.targetModules() + " in " + modelDir
          + "; for " + modelConfig.modelType() + " use " + LoraConfig.defaultTargets(modelConfig.modelType()));
    }
    List<String> fresh = freshModules(base, c);
    if (!fresh.isEmpty()) {
      if (peftCompat) {
        Log.warn(String.join(", ", fresh) + " newly initialised and left frozen (--peft-compat, as PEFT does); "
            + "the model may barely learn");
      } else {
        List<String> save = new ArrayList<>(c.modulesToSave());
        save.addAll(fresh);
        c = c.withModulesToSave(save);
        Log.info(String.join(", ", fresh) + " newly initialised: trained and saved in modules_to_save "
            + "(PEFT would leave it frozen and random; --peft-compat does that)");
      }
    }
    return new LoraModel(base, c, linears);
  }

  /** Adapters on a randomly initialised model of {@code modelConfig}'s shape (benchmarks). */
  public static LoraModel fresh(ModelConfig modelConfig, LoraConfig config) {
    LoraConfig c = config.targetModules() == null
        ? config.withTargets(LoraConfig.defaultTargets(modelConfig.modelType())) : config;
    Map<String, Linear> linears = new LinkedHashMap<>();
    SequenceClassifier base = AutoModel.newClassifier(Weights.fresh(modelConfig).withLinears(factory(c, linears)),
        modelConfig);
    return new LoraModel(base, c, linears);
  }

  /** The base model in {@code modelDir} with the PEFT adapter in {@code adapterDir} applied. */
  public static LoraModel load(Path modelDir, Path adapterDir) {
    LoraConfig c = LoraConfig.read(adapterDir);
    Path weightsFile = adapterDir.resolve("adapter_model.safetensors");
    if (!Files.isRegularFile(weightsFile)) {
      throw new TunekitException(weightsFile + ": not found; "
          + (Files.isRegularFile(adapterDir.resolve("adapter_model.bin")) ? "adapter_model.bin is pickle, which tunekit "
              + "does not load; re-save with safe_serialization=True" : "the adapter folder is incomplete"));
    }
    try (SafeTensors file = SafeTensors.open(weightsFile)) {
      Labels labels = adapterLabels(modelDir, adapterDir, file);
      Map<String, Linear> linears = new LinkedHashMap<>();
      SequenceClassifier base = AutoModel.forLabels(modelDir, labels, true, factory(c, linears), false);
      LoraModel model = new LoraModel(base, c, linears);
      model.loadAdapterWeights(file);
      List<String> random = base.weights().missing().stream().filter(n -> !file.contains(PREFIX + n)).toList();
      if (!random.isEmpty()) {
        Log.warn("neither the base model nor the adapter holds " + String.join(", ", random)
            + ": they start random (PEFT does the same), so predictions differ from training");
      }
      return model;
    }
  }

  /** Wraps the targets in LoRA layers; every layer made lands in {@code linears}. */
  private static LinearFactory factory(LoraConfig c, Map<String, Linear> linears) {
    return (w, name, in, out) -> {
      Linear layer = c.targets(name) ? new LoraLinear(w, in, out, c.r(), c.scaling(), c.loraDropout())
          : new Linear(w, in, out);
      linears.put(name, layer);
      return layer;
    };
  }

  /** The LoRA layers among {@code linears}, in model order. */
  private static Map<String, LoraLinear> adapted(Map<String, Linear> linears) {
    Map<String, LoraLinear> out = new LinkedHashMap<>();
    linears.forEach((name, layer) -> {
      if (layer instanceof LoraLinear lora) {
        out.put(name, lora);
      }
    });
    return out;
  }


  /** Modules under the encoder whose weights the checkpoint lacked and modules_to_save does not cover. */
  private static List<String> freshModules(SequenceClassifier base, LoraConfig c) {
    Set<String> out = new LinkedHashSet<>();
    String prefix = base.config().basePrefix() + ".";
    for (String missing : base.weights().missing()) {
      if (savedByConfig(c, missing) || !missing.startsWith(prefix)) {
        continue;
      }
      String rest = missing.substring(prefix.length());
      out.add(rest.substring(0, rest.indexOf('.')));
    }
    return new ArrayList<>(out);
  }

  /** PEFT wraps a whole module: a parameter is saved if any module above it matches modules_to_save. */
  static boolean savedByConfig(LoraConfig c, String parameter) {
    String module = parameter;
    while (module.contains(".")) {
      module = module.substring(0, module.lastIndexOf('.'));
      if (c.saves(module)) {
        return true;
      }
    }
    return false;
  }

  private Map<String, Tensor> collectTrainable() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    layers.forEach((name, layer) -> {
      out.put(name + ".lora_A.weight", layer.loraA);
      out.put(name + ".lora_B.weight", layer.loraB);
    });
    base.parameters().forEach((name, t) -> {
      String module = name.substring(0, name.lastIndexOf('.'));
      boolean bias = name.endsWith(".bias")
          && (config.bias().equals("all") || config.bias().equals("lora_only") && layers.containsKey(module));
      if (savedByConfig(config, name) || bias) {
        out.put(name, t);
      }
    });
    return out;
  }

  public LoraConfig loraConfig() {
    return config;
  }

  /** What trains: adapters, modules_to_save, and biases if bias is not "none". Names as in PEFT's file, unprefixed. */
  @Override
  public Map<String, Tensor> trainable() {
    return trainable;
  }

  /** Parameters exempt from weight decay among the trainable ones (biases, LayerNorm). */
  @Override
  public Set<String> noDecay() {
    Set<String> out = new LinkedHashSet<>(base.noDecay());
    out.retainAll(trainable.keySet());
    return out;
  }

  /** PEFT's print_trainable_parameters(): all params count the adapters and the modules_to_save copies. */
  public String trainableSummary() {
    long trainableCount = count(trainable);
    long all = count(base.parameters());
    for (Map.Entry<String, Tensor> e : trainable.entrySet()) {
      boolean copy = !base.parameters().containsKey(e.getKey()) || savedByConfig(config, e.getKey());
      if (copy) {
        all += e.getValue().numel(); // adapters, and PEFT's trained copy of each saved module
      }
    }
    return String.format("trainable params: %,d || all params: %,d || trainable%%: %.4f", trainableCount, all,
        100.0 * trainableCount / all);
  }

  private static long count(Map<String, Tensor> params) {
    return params.values().stream().mapToLong(Tensor::numel).sum();
  }

  /** The adapter as PEFT's get_peft_model_state_dict gives it: "base_model.model." + name. */
  public Map<String, Tensor> adapterStateDict() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    trainable.forEach((name, t) -> out.put(PREFIX + name, t.detach()));
    return out;
  }

  /** Writes adapter_config.json and adapter_model.safetensors (PEFT's save_pretrained), plus labels.json. */
  public void save(Path dir, String baseModel) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TunekitException(dir + ": cannot create (" + e.getMessage() + ")");
    }
    SafeTensorsWriter.write(dir.resolve("adapter_model.safetensors"), adapterStateDict(), Map.of("format", "pt"));
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode cfg = config.toJson(baseModel);
    AtomicFile.writeText(dir.resolve("adapter_config.json"), w -> w.write(json.writeValueAsString(cfg) + "\n"));
    ObjectNode labels = ModelConfig.jsonWithLabels(json.createObjectNode(), base.config().labels());
    AtomicFile.writeText(dir.resolve(LABELS_FILE), w -> w.write(json.writeValueAsString(labels) + "\n"));
  }

  private void loadAdapterWeights(SafeTensors file) {
    Set<String> expected = new LinkedHashSet<>();
    try (NoGradGuard g = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> e : trainable.entrySet()) {
        String key = PREFIX + e.getKey();
        expected.add(key);
        if (!file.contains(key)) {
          if (e.getKey().contains(".lora_")) {
            throw new TunekitException(file.file() + ": no tensor '" + key + "'; the adapter does not match this base model");
          }
          continue; // a saved module the adapter does not carry keeps the base weights
        }
        long[] shape = file.entry(key).shape();
        if (!java.util.Arrays.equals(shape, e.getValue().shape())) {
          throw new TunekitException(file.file() + ": '" + key + "' has shape " + java.util.Arrays.toString(shape)
              + " but the base model needs " + java.util.Arrays.toString(e.getValue().shape())
              + "; the adapter was trained on another base model");
        }
        e.getValue().copy_(file.floatTensor(key));
      }
    }
    for (String key : file.entries().keySet()) {
      if (!expected.contains(key)) {
        throw new TunekitException(file.file() + ": unexpected tensor '" + key + "'; the adapter's config does not "
            + "describe its weights, or it was trained on another model");
      }
    }
  }

  /** Labels of a saved adapter: labels.json if tunekit wrote one, else the base config's, sized by the saved head. */
  private static Labels adapterLabels(Path modelDir, Path adapterDir, SafeTensors file) {
    Path labelsFile = adapterDir.resolve(LABELS_FILE);
    if (Files.isRegularFile(labelsFile)) {
      JsonNode saved = JsonFiles.read(labelsFile, "not found", "delete it or fix it");
      if (!saved.isObject()) {
        throw new TunekitException(labelsFile + ": not a JSON object; delete it or fix it");
      }
      ObjectNode j = ModelConfig.JSON.createObjectNode();
      j.setAll((ObjectNode) saved);
      j.put("model_type", AutoModel.config(modelDir).modelType());
      return ModelConfig.parse(j, labelsFile).labels();
    }
    Labels fromBase = AutoModel.config(modelDir).labels();
    String head = PREFIX + "classifier.weight";
    if (file.contains(head) && file.entry(head).shape()[0] != fromBase.count()) {
      return Labels.generic((int) file.entry(head).shape()[0]);
    }
    return fromBase;
  }

  /** The merged model's weights with HF names: each target's W + scaling * B A, everything else as is. */
  public Map<String, Tensor> mergedWeights() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    base.parameters().forEach((name, t) -> out.put(name, t.detach()));
    layers.forEach((name, layer) -> out.put(name + ".weight", layer.mergedWeight()));
    return out;
  }

  /** Writes the merged model as a plain HF folder that needs neither peft nor tunekit's LoRA. */
  public void saveMerged(Path tokenizerDir, Path out) {
    ObjectNode cfg = ModelConfig.jsonWithLabels(base.config().json(), base.config().labels());
    cfg.putArray("architectures").add(base.architecture());
    cfg.put("torch_dtype", "float32");
    SavePretrained.write(cfg, mergedWeights(), tokenizerDir, out);
  }

  public SequenceClassifier base() {
    return base;
  }

  @Override public ModelConfig config() { return base.config(); }
  @Override public dev.tunekit.model.Encoder encoder() { return base.encoder(); }
  @Override public Weights weights() { return base.weights(); }
  @Override public String architecture() { return base.architecture(); }

  @Override
  public Tensor logits(Tensor inputIds, Tensor attentionMask) {
    return base.logits(inputIds, attentionMask);
  }

  @Override
  public void train(boolean training) {
    base.train(training);
    layers.values().forEach(l -> l.train(training));
  }
}
