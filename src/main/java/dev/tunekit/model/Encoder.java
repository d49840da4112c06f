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

  /**
   * The last layer's hidden state of token 0 ([CLS]) only, [B, H]: equal to
   * {@code forward(...)[:, 0]}, but the last layer computes one query per sequence instead of T
   * (keys and values still see every token), which skips most of that layer's work. What the
   * classification heads and [CLS] features read.
   */
  Tensor firstToken(Tensor inputIds, Tensor attentionMask);

  /** Dropout on (training) or off (evaluation), like PyTorch's {@code train()}/{@code eval()}. */
  void train(boolean training);

  /** Every parameter by HF state-dict name. */
  Map<String, Tensor> parameters();
}
