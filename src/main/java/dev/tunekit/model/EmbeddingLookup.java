package dev.tunekit.model;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Rows of an embedding table, as {@code nn.Embedding(padding_idx=...)} looks them up: the padding
 * row gets no gradient.
 *
 * <p>When the table's gradient already exists (the trainer's flat buffers), backward hands it a
 * row-sparse gradient that is added into it in place. The dense form would allocate, zero and
 * add a full table every step: 94 MB for BERT's 30,522 x 768 word embeddings, for the few hundred
 * rows a batch touches. Elsewhere (a first backward, tests reading {@code .grad()}) the gradient
 * stays dense, as in PyTorch.
 */
final class EmbeddingLookup {
  private EmbeddingLookup() {}

  /** No padding row: every row looked up gets its gradient. */
  static final int NO_PADDING = -1;

  static Tensor rows(Tensor table, Tensor ids, int paddingRow) {
    boolean sparseGrad = table.requires_grad() && table.grad().defined();
    return torch.embedding(table, ids, paddingRow, false, sparseGrad);
  }
}
