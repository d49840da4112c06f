package dev.tunekit.model;

import dev.tunekit.TunekitException;
import dev.tunekit.tensors.SafeTensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Hands each layer its weights by HF name while the model is being built, so that building and
 * loading are one walk and cannot drift apart (candle's VarBuilder idea).
 *
 * <p>A weight the checkpoint has is loaded (float32) and its shape checked against the one the
 * config implies. A weight it lacks (a fresh classification head, BERT's pooler) is initialised
 * as HF's {@code _init_weights} does and remembered, so loading ends with one warning line. Every
 * tensor handed out is recorded under its full name: that record is the model's state dict.
 *
 * <p>Name matching follows HF's loader: a bare encoder checkpoint ("embeddings...") loads into a
 * task model ("distilbert.embeddings...") and the other way round, and old BERT checkpoints'
 * LayerNorm {@code gamma}/{@code beta} load as {@code weight}/{@code bias}.
 */
public final class Weights {
  /** How a weight the checkpoint lacks starts, following HF's {@code _init_weights}. */
  public enum Init {
    /** N(0, initializer_range): Linear and Embedding weights. */
    NORMAL,
    ZEROS,
    ONES
  }

  private final State state;
  private final String prefix;

  private static final class State {
    final SafeTensors source;
    final String basePrefix;
    final double initializerRange;
    final Map<String, Tensor> parameters = new LinkedHashMap<>();
    final Set<String> layerNorm = new LinkedHashSet<>();
    final Set<String> fresh = new LinkedHashSet<>();
    final List<String> missing = new ArrayList<>();
    final Set<String> used = new LinkedHashSet<>();
    LinearFactory linears = LinearFactory.PLAIN;

    State(SafeTensors source, String basePrefix, double initializerRange) {
      this.source = source;
      this.basePrefix = basePrefix;
      this.initializerRange = initializerRange;
    }
  }

  private Weights(State state, String prefix) {
    this.state = state;
    this.prefix = prefix;
  }

  /** Weights from a checkpoint; {@code basePrefix} is HF's base_model_prefix ("bert"). */
  public static Weights from(SafeTensors source, ModelConfig config) {
    return new Weights(new State(source, config.basePrefix(), config.initializerRange()), "");
  }

  /** No checkpoint: every weight is freshly initialised (seed torch first for repeatability). */
  public static Weights fresh(ModelConfig config) {
    return new Weights(new State(null, config.basePrefix(), config.initializerRange()), "");
  }

  /** The view for a child module: {@code at("encoder").at("layer.0")}. */
  public Weights at(String child) {
    return new Weights(state, join(prefix, child));
  }

  /** Builds every Linear layer through {@code factory} (LoRA wraps its targets this way). */
  public Weights withLinears(LinearFactory factory) {
    state.linears = factory;
    return this;
  }

  /** The Linear layer {@code child} of this module, [in -> out]. */
  public Linear linear(String child, int in, int out) {
    return state.linears.create(at(child), join(prefix, child), in, out);
  }

  /** The full name of this view's module ("" for the root). */
  public String prefix() {
    return prefix;
  }

  /** The weight {@code name} under this view's prefix, shaped {@code shape}. */
  public Tensor get(String name, Init init, long... shape) {
    String full = join(prefix, name);
    if (state.parameters.containsKey(full)) {
      throw new IllegalStateException("weight requested twice: " + full);
    }
    String stored = storedName(full);
    Tensor t;
    if (stored != null && state.fresh.stream().anyMatch(f -> full.equals(f) || full.startsWith(f + "."))) {
      stored = null;
    }
    if (stored != null) {
      long[] actual = state.source.entry(stored).shape();
      if (!Arrays.equals(actual, shape)) {
        throw new TunekitException(state.source.file() + ": tensor '" + stored + "' has shape "
            + Arrays.toString(actual) + " but config.json implies " + Arrays.toString(shape)
            + "; the weights and config.json do not belong to the same model");
      }
      t = state.source.floatTensor(stored);
      state.used.add(stored);
    } else {
      t = initialise(init, shape);
      state.missing.add(full);
    }
    state.parameters.put(full, t);
    return t;
  }

  /** Marks this view's weights as LayerNorm's: HF's Trainer exempts them from weight decay. */
  public void markLayerNorm(String... names) {
    for (String n : names) {
      state.layerNorm.add(join(prefix, n));
    }
  }

  /**
   * Starts the module {@code name} (e.g. "classifier") fresh even if the checkpoint has it: a
   * new head for other labels. Call before the module is built.
   */
  public Weights reinitialise(String name) {
    state.fresh.add(join(prefix, name));
    return this;
  }

  /**
   * Names (as {@link #parameters()} gives them) that HF's Trainer does not decay: every
   * LayerNorm parameter and every bias.
   */
  public Set<String> noDecay() {
    Set<String> out = new LinkedHashSet<>();
    String start = prefix.isEmpty() ? "" : prefix + ".";
    for (String name : state.parameters.keySet()) {
      if (name.startsWith(start) && (state.layerNorm.contains(name) || name.contains("bias"))) {
        out.add(name.substring(start.length()));
      }
    }
    return out;
  }

  /** An embedding table whose {@code paddingRow} starts at zero when freshly initialised. */
  public Tensor embedding(String name, long rows, long dim, int paddingRow) {
    boolean fresh = storedName(join(prefix, name)) == null;
    Tensor t = get(name, Init.NORMAL, rows, dim);
    if (fresh && paddingRow >= 0 && paddingRow < rows) {
      t.select(0, paddingRow).zero_();
    }
    return t;
  }

  private Tensor initialise(Init init, long[] shape) {
    return switch (init) {
      case NORMAL -> torch.randn(shape).mul_(new org.bytedeco.pytorch.Scalar(state.initializerRange));
      case ZEROS -> torch.zeros(shape);
      case ONES -> torch.ones(shape);
    };
  }

  /** The checkpoint's name for {@code full}, or null if the checkpoint lacks it. */
  private String storedName(String full) {
    if (state.source == null) {
      return null;
    }
    String base = state.basePrefix + ".";
    String other = full.startsWith(base) ? full.substring(base.length()) : base + full;
    for (String candidate : List.of(full, other)) {
      for (String spelled : spellings(candidate)) {
        if (state.source.contains(spelled)) {
          return spelled;
        }
      }
    }
    return null;
  }

  private static List<String> spellings(String name) {
    if (name.endsWith("LayerNorm.weight")) {
      return List.of(name, name.substring(0, name.length() - "weight".length()) + "gamma");
    }
    if (name.endsWith("LayerNorm.bias")) {
      return List.of(name, name.substring(0, name.length() - "bias".length()) + "beta");
    }
    return List.of(name);
  }

  /**
   * The weights handed out under this view, named relative to it, in construction order: the
   * root view gives the whole state dict, {@code at("distilbert")} the encoder's (as PyTorch's
   * {@code state_dict()} of a submodule).
   */
  public Map<String, Tensor> parameters() {
    if (prefix.isEmpty()) {
      return Collections.unmodifiableMap(state.parameters);
    }
    Map<String, Tensor> mine = new LinkedHashMap<>();
    String start = prefix + ".";
    state.parameters.forEach((name, t) -> {
      if (name.startsWith(start)) {
        mine.put(name.substring(start.length()), t);
      }
    });
    return Collections.unmodifiableMap(mine);
  }

  /** Weights the checkpoint lacked, initialised fresh. */
  public List<String> missing() {
    return Collections.unmodifiableList(state.missing);
  }

  /** Checkpoint tensors no layer asked for (e.g. a masked-LM head). */
  public List<String> unused() {
    if (state.source == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String name : state.source.entries().keySet()) {
      if (!state.used.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  private static String join(String prefix, String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }
}
