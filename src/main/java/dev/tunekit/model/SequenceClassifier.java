package dev.tunekit.model;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** An encoder with a classification head (HF's *ForSequenceClassification): ids in, logits out. */
public interface SequenceClassifier {
  ModelConfig config();

  Encoder encoder();

  /** Logits [B, num_labels] of a padded int64 [B, T] batch. */
  Tensor logits(Tensor inputIds, Tensor attentionMask);

  void train(boolean training);

  default Map<String, Tensor> parameters() {
    return weights().parameters();
  }

  /** The weights the model was built from: every parameter, what was missing, LayerNorm marks. */
  Weights weights();

  /** What trains: every parameter here; adapters and saved modules for a LoRA model. */
  default Map<String, Tensor> trainable() {
    return parameters();
  }

  /** Parameters HF's Trainer exempts from weight decay: LayerNorm weights and all biases. */
  default java.util.Set<String> noDecay() {
    return weights().noDecay();
  }

  /** HF's class name, written as {@code architectures} in config.json. */
  default String architecture() {
    return config().modelType().equals("distilbert") ? "DistilBertForSequenceClassification"
        : "BertForSequenceClassification";
  }
}
