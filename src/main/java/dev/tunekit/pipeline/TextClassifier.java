package dev.tunekit.pipeline;

import dev.tunekit.data.Batches;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.peft.LoraModel;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.Tensors;
import dev.tunekit.tokenize.Batch;
import dev.tunekit.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;

/**
 * HF's text-classification pipeline: texts in, the most probable label and its probability out,
 * from a fine-tuned model folder or a base model plus a LoRA adapter.
 */
public final class TextClassifier implements AutoCloseable {
  /** One text's prediction; {@code probabilities} follow the model's label ids. */
  public record Prediction(String label, int labelId, double score, float[] probabilities) {}

  private final SequenceClassifier model;
  private final Tokenizer tokenizer;
  private Precision precision = Precision.FP32;
  private int batchSize = 32;

  public TextClassifier(SequenceClassifier model, Tokenizer tokenizer) {
    this.model = model;
    this.tokenizer = tokenizer;
    model.train(false);
  }

  /** A fine-tuned model folder, or with {@code adapterDir} a base model plus a PEFT LoRA adapter. */
  public static TextClassifier load(Path modelDir, Path adapterDir) {
    ModelConfig config = AutoModel.config(modelDir);
    SequenceClassifier model = adapterDir == null ? AutoModel.classifier(modelDir) : LoraModel.load(modelDir, adapterDir);
    return new TextClassifier(model, AutoModel.tokenizer(modelDir, config));
  }

  public TextClassifier precision(Precision p) {
    this.precision = p;
    return this;
  }

  public TextClassifier batchSize(int n) {
    this.batchSize = Math.max(1, n);
    return this;
  }

  public List<Prediction> predict(List<String> texts) {
    List<long[]> ids = tokenizer.encode(texts);
    int[] lengths = ids.stream().mapToInt(a -> a.length).toArray();
    Prediction[] out = new Prediction[texts.size()];
    try (InferenceMode guard = new InferenceMode()) {
      for (int[] indices : Batches.evaluation(lengths, batchSize)) {
        try (PointerScope scope = new PointerScope(); Precision.Region r = precision.enter()) {
          List<long[]> rows = new ArrayList<>();
          for (int i : indices) {
            rows.add(ids.get(i));
          }
          Batch b = Batch.pad(rows, tokenizer.padId());
          float[][] probs = Tensors.toMatrix(torch.softmax(model.logits(b.inputIds(), b.attentionMask()).to(torch.ScalarType.Float), 1));
          for (int k = 0; k < indices.length; k++) {
            int best = 0;
            for (int c = 1; c < probs[k].length; c++) {
              if (probs[k][c] > probs[k][best]) {
                best = c;
              }
            }
            out[indices[k]] = new Prediction(model.config().labels().name(best), best, probs[k][best], probs[k]);
          }
        }
      }
    }
    return List.of(out);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
