package dev.tunekit.model;

import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * What an encoder returns: the last layer's hidden states [B, T, H] and, when asked for, HF's
 * {@code hidden_states}: the embedding output followed by every layer's output.
 */
public record EncoderOutput(Tensor lastHiddenState, List<Tensor> hiddenStates) {}
