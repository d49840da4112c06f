package dev.tunekit.train;

import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.tensors.Precision;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * One training step's work, shared by the Trainer and the benchmarks: forward under the chosen
 * precision, cross-entropy, backward into the flat gradient buffers; then clipping, the AdamW
 * update and zeroing.
 */
public final class TrainStep {
  private final SequenceClassifier model;
  private final List<ParameterGroup> groups;
  private final AdamW optimizer;
  private final Precision precision;
  private final double maxGradNorm;

  public TrainStep(SequenceClassifier model, Map<String, Tensor> trainable, Set<String> noDecay,
      double weightDecay, Precision precision, double maxGradNorm) {
    this.model = model;
    this.groups = ParameterGroup.forTraining(trainable, noDecay, weightDecay);
    this.optimizer = new AdamW(groups);
    this.precision = precision;
    this.maxGradNorm = maxGradNorm;
  }

  public AdamW optimizer() {
    return optimizer;
  }

  /** Forward and backward of one batch, the loss divided by {@code lossScale}; returns the unscaled loss. */
  public float forwardBackward(TokenizedSplit.LabeledBatch b, int lossScale) {
    try (PointerScope scope = new PointerScope()) {
      Tensor logits;
      try (Precision.Region r = precision.enter()) {
        logits = model.logits(b.batch().inputIds(), b.batch().attentionMask());
      }
      Tensor loss = torch.cross_entropy(logits.to(ScalarType.Float), b.labels());
      float value = loss.item_float();
      (lossScale > 1 ? loss.div(new Scalar(lossScale)) : loss).backward();
      return value;
    }
  }

  /** Clips, updates at {@code lr} and zeroes the gradients; returns the gradient norm before clipping. */
  public double update(double lr) {
    double norm = AdamW.gradNorm(groups);
    optimizer.step(lr, AdamW.clipCoefficient(norm, maxGradNorm), true);
    return norm;
  }
}
