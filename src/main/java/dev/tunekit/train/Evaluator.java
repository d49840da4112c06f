package dev.tunekit.train;

import dev.tunekit.data.Batches;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.tensors.OutOfMemory;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Loss, accuracy and F1 of a classifier on a split: batches sorted by length, no autograd. */
public final class Evaluator {
  private Evaluator() {}

  public static EvalResult evaluate(SequenceClassifier model, TokenizedSplit split, int batchSize,
      Precision precision, long padId, int numLabels) {
    model.train(false);
    int n = split.size();
    int[] predictions = new int[n];
    float[][] probabilities = new float[n][];
    double lossSum = 0;
    try (InferenceMode guard = new InferenceMode()) {
      for (int[] indices : Batches.evaluation(split.lengths(), batchSize)) {
        try (PointerScope scope = new PointerScope()) {
          TokenizedSplit.LabeledBatch b = split.batch(indices, padId);
          Tensor logits;
          try (Precision.Region r = precision.enter()) {
            logits = model.logits(b.batch().inputIds(), b.batch().attentionMask());
          } catch (RuntimeException | OutOfMemoryError e) {
            if (!OutOfMemory.is(e)) {
              throw e;
            }
            throw OutOfMemory.explain(e, "evaluating " + split.name() + " (a batch of " + indices.length + " texts)",
                "use a smaller --eval-batch-size");
          }
          logits = logits.to(ScalarType.Float);
          Tensor losses = torch.cross_entropy_loss(logits, b.labels(), new org.bytedeco.pytorch.TensorOptional(),
              0 /* reduction none */, -100, 0.0);
          for (float l : Tensors.toFloats(losses)) {
            lossSum += l;
          }
          float[][] probs = Tensors.toMatrix(torch.softmax(logits, 1));
          for (int i = 0; i < indices.length; i++) {
            probabilities[indices[i]] = probs[i];
            predictions[indices[i]] = argmax(probs[i]);
          }
        }
      }
    }
    int[] gold = split.labels();
    return new EvalResult(split.name(), n == 0 ? 0 : lossSum / n, Metrics.accuracy(predictions, gold),
        Metrics.f1(predictions, gold, numLabels), predictions, probabilities,
        Metrics.confusion(predictions, gold, numLabels));
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

}
