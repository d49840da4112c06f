package dev.tunekit.pipeline;

import dev.tunekit.model.AutoModel;
import dev.tunekit.model.Encoder;
import dev.tunekit.model.EncoderOutput;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.report.ProgressBar;
import dev.tunekit.tensors.InferenceStreams;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.Tensors;
import dev.tunekit.tokenize.Batch;
import dev.tunekit.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Sentence vectors from a frozen encoder (HF's feature-extraction pipeline plus pooling).
 *
 * <p>Texts are tokenized, sorted by length so each batch pads little, encoded without autograd,
 * pooled, and returned in the caller's order.
 */
public final class FeatureExtractor implements AutoCloseable {
  private final Encoder encoder;
  private final Tokenizer tokenizer;
  private Precision precision = Precision.FP32;
  private int batchSize = 32;
  private int layer = -1;
  private long passes;
  private boolean progress = true;

  public FeatureExtractor(Encoder encoder, Tokenizer tokenizer) {
    this.encoder = encoder;
    this.tokenizer = tokenizer;
    encoder.train(false);
  }

  /** The encoder and tokenizer of a HuggingFace model folder. */
  public static FeatureExtractor load(Path modelDir) {
    ModelConfig config = AutoModel.config(modelDir);
    Tokenizer tokenizer = AutoModel.tokenizer(modelDir, config);
    return new FeatureExtractor(AutoModel.encoder(modelDir), tokenizer);
  }

  public FeatureExtractor precision(Precision p) {
    this.precision = p;
    return this;
  }

  public FeatureExtractor batchSize(int n) {
    this.batchSize = Math.max(1, n);
    return this;
  }

  /** Show a progress bar on stderr for long inputs (default on). */
  public FeatureExtractor progress(boolean on) {
    this.progress = on;
    return this;
  }

  /** Which hidden state to pool: -1 the last layer (default), 0 the embeddings, i layer i. */
  public FeatureExtractor layer(int layer) {
    this.layer = layer;
    return this;
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  public Encoder encoder() {
    return encoder;
  }

  public Precision precision() {
    return precision;
  }

  public int layer() {
    return layer;
  }

  /** One vector per text, in order. */
  public float[][] embed(List<String> texts, Pooling pooling) {
    return embedTokens(tokenizer.encode(texts), pooling);
  }

  /** Encoder passes (batches) run so far: a cache hit adds none. */
  public long passes() {
    return passes;
  }

  /** One vector per token-id sequence, in order. */
  public float[][] embedTokens(List<long[]> ids, Pooling pooling) {
    Integer[] order = IntStream.range(0, ids.size()).boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> ids.get(i).length).reversed());
    float[][] out = new float[ids.size()][];
    List<List<long[]>> chunks = new ArrayList<>();
    for (int start = 0; start < order.length; start += batchSize) {
      List<long[]> chunk = new ArrayList<>();
      for (int i = start; i < Math.min(order.length, start + batchSize); i++) {
        chunk.add(ids.get(order[i]));
      }
      chunks.add(chunk);
    }
    long begin = System.nanoTime();
    ProgressBar bar = new ProgressBar("features", ids.size()).enabled(progress && ids.size() >= 1000);
    InferenceStreams.run(chunks, chunk -> embedBatch(chunk, pooling), (k, vectors) -> {
      int start = k * batchSize;
      for (int i = 0; i < vectors.length; i++) {
        out[order[start + i]] = vectors[i];
      }
      int end = start + vectors.length;
      bar.update(end, "", end / Math.max(1e-9, (System.nanoTime() - begin) / 1e9), "texts");
    });
    passes += chunks.size();
    return out;
  }

  /** One batch's vectors, on whichever thread runs it (inference mode and precision are per thread). */
  private float[][] embedBatch(List<long[]> chunk, Pooling pooling) {
    try (InferenceMode noGrad = new InferenceMode();
        PointerScope scope = new PointerScope();
        Precision.Region region = precision.enter()) {
      Batch batch = Batch.pad(chunk, tokenizer.padId());
      if (pooling == Pooling.CLS && layer < 0) {
        return Tensors.toMatrix(encoder.firstToken(batch.inputIds(), batch.attentionMask()).to(ScalarType.Float));
      }
      EncoderOutput output = encoder.forward(batch.inputIds(), batch.attentionMask(), layer >= 0);
      Tensor hidden = layer >= 0 ? output.hiddenStates().get(layer) : output.lastHiddenState();
      return Tensors.toMatrix(pooling.apply(hidden.to(ScalarType.Float), batch.attentionMask()));
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
