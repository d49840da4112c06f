package dev.tunekit.train;

import dev.tunekit.data.Batches;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.tensors.InferenceStreams;
import dev.tunekit.tensors.OutOfMemory;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.Tensors;
import java.util.List;
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
    List<int[]> batches = Batches.evaluation(split.lengths(), batchSize);
    double[] lossSum = {0};
    InferenceStreams.run(batches, indices -> scores(model, split, indices, padId, precision), (k, scores) -> {
      int[] indices = batches.get(k);
      for (float l : scores.losses()) {
        lossSum[0] += l;
      }
      for (int i = 0; i < indices.length; i++) {
        probabilities[indices[i]] = scores.probabilities()[i];
        predictions[indices[i]] = argmax(scores.probabilities()[i]);
      }
    });
    int[] gold = split.labels();
    return new EvalResult(split.name(), n == 0 ? 0 : lossSum[0] / n, Metrics.accuracy(predictions, gold),
        Metrics.f1(predictions, gold, numLabels), predictions, probabilities,
        Metrics.confusion(predictions, gold, numLabels));
  }

  private record Scores(float[] losses, float[][] probabilities) {}

  /** One batch's per-example losses and class probabilities, on whichever thread runs it. */
  private static Scores scores(SequenceClassifier model, TokenizedSplit split, int[] indices, long padId,
      Precision precision) {
    try (InferenceMode guard = new InferenceMode(); PointerScope scope = new PointerScope()) {
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
      return new Scores(Tensors.toFloats(losses), Tensors.toMatrix(torch.softmax(logits, 1)));
    }
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
