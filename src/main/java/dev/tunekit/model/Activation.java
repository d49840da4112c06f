package dev.tunekit.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The feed-forward activations HF's BERT-family configs name. */
public enum Activation {
  /** Exact GELU, x * Phi(x) with the error function: HF's "gelu". */
  GELU,
  /** The tanh approximation: HF's "gelu_new" and "gelu_pytorch_tanh". */
  GELU_TANH,
  RELU;

  /** The activation HF means by {@code name}, or null if we do not know it. */
  public static Activation parse(String name) {
    return switch (name) {
      case "gelu" -> GELU;
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
      case "relu" -> RELU;
      default -> null;
    };
  }

  public Tensor apply(Tensor x) {
    return switch (this) {
      case GELU -> torch.gelu(x);
      case GELU_TANH -> torch.gelu(x, "tanh");
      case RELU -> torch.relu(x);
    };
  }
}
