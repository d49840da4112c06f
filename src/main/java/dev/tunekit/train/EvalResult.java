package dev.tunekit.train;

/**
 * Scores of a model on one split; predictions and probabilities are in the split's row order.
 */
public record EvalResult(String split, double loss, double accuracy, double f1, int[] predictions,
    float[][] probabilities, int[][] confusion) {

  /** The value of a metric by HF's name: "accuracy", "f1" or "loss" ("eval_" prefixes allowed). */
  public double metric(String name) {
    return switch (name.replaceFirst("^eval_", "")) {
      case "accuracy" -> accuracy;
      case "f1" -> f1;
      case "loss" -> loss;
      default -> throw new dev.tunekit.TunekitException("unknown metric \"" + name + "\"; use accuracy, f1 or loss");
    };
  }
}
