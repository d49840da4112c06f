package dev.tunekit.model;

/**
 * Makes the Linear layers of a model while it is built; adapters (LoRA) plug in here to wrap
 * the layers they target, so the model code never changes for them.
 */
@FunctionalInterface
public interface LinearFactory {
  /** The layer called {@code name} (full HF module path, e.g. "distilbert.transformer.layer.0.attention.q_lin"). */
  Linear create(Weights w, String name, int in, int out);

  LinearFactory PLAIN = (w, name, in, out) -> new Linear(w, in, out);

  /** Layers whose weights are never trained (inference only): see {@link Linear#frozen}. */
  LinearFactory FROZEN = (w, name, in, out) -> {
    Linear linear = new Linear(w, in, out);
    linear.frozen(true);
    return linear;
  };
}
