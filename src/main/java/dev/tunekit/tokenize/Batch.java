package dev.tunekit.tokenize;

import dev.tunekit.tensors.Engine;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/**
 * Token ids padded to the longest sequence of the batch (HF's DataCollatorWithPadding), with the
 * attention mask that marks real tokens.
 */
public record Batch(Tensor inputIds, Tensor attentionMask, int[] lengths) {
  /** Right-pads {@code sequences} with {@code padId} into int64 [B, T] tensors. */
  public static Batch pad(List<long[]> sequences, long padId) {
    int longest = 0;
    for (long[] s : sequences) {
      longest = Math.max(longest, s.length);
    }
    int rows = sequences.size();
    long[] ids = new long[rows * longest];
    long[] mask = new long[rows * longest];
    int[] lengths = new int[rows];
    for (int i = 0; i < rows; i++) {
      long[] s = sequences.get(i);
      lengths[i] = s.length;
      for (int j = 0; j < longest; j++) {
        ids[i * longest + j] = j < s.length ? s[j] : padId;
        mask[i * longest + j] = j < s.length ? 1 : 0;
      }
    }
    Engine.start(); // the first tensor of a run may come before the model's
    return new Batch(Tensor.create(ids, rows, longest), Tensor.create(mask, rows, longest), lengths);
  }

  public int size() {
    return lengths.length;
  }
}
