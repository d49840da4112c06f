package dev.tunekit.data;

import dev.tunekit.tokenize.Batch;
import dev.tunekit.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** A split's token ids (truncated, with special tokens, unpadded) and label ids. */
public record TokenizedSplit(String name, List<long[]> ids, int[] labels) {
  public static TokenizedSplit of(Split split, Tokenizer tokenizer) {
    return new TokenizedSplit(split.name(), tokenizer.encode(split.texts()), split.labels());
  }

  public int size() {
    return ids.size();
  }

  /** A padded batch of the rows at {@code indices}, with their labels as an int64 tensor. */
  public LabeledBatch batch(int[] indices, long padId) {
    List<long[]> rows = new ArrayList<>(indices.length);
    long[] y = new long[indices.length];
    for (int i = 0; i < indices.length; i++) {
      rows.add(ids.get(indices[i]));
      y[i] = labels[indices[i]];
    }
    return new LabeledBatch(Batch.pad(rows, padId), Tensor.create(y, y.length), indices);
  }

  /** A padded batch, its labels and which rows of the split it holds. */
  public record LabeledBatch(Batch batch, Tensor labels, int[] indices) {}

  public int[] lengths() {
    int[] out = new int[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i).length;
    }
    return out;
  }
}
