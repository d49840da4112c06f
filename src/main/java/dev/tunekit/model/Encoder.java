package dev.tunekit.model;

import java.util.Map;
import org.bytedeco.pytorch.Tensor;

/** A transformer encoder (HF's DistilBertModel, BertModel): token ids in, hidden states out. */
public interface Encoder {
  ModelConfig config();

  /**
   * Encodes a padded batch. {@code inputIds} and {@code attentionMask} are int64 [B, T] (mask 1 =
   * real token); with {@code allHiddenStates} the output also holds every layer's states.
   */
  EncoderOutput forward(Tensor inputIds, Tensor attentionMask, boolean allHiddenStates);

  default Tensor forward(Tensor inputIds, Tensor attentionMask) {
    return forward(inputIds, attentionMask, false).lastHiddenState();
  }

  /** Dropout on (training) or off (evaluation), like PyTorch's {@code train()}/{@code eval()}. */
  void train(boolean training);

  /** Every parameter by HF state-dict name. */
  Map<String, Tensor> parameters();
}
