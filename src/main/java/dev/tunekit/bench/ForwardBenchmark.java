package dev.tunekit.bench;

import dev.tunekit.model.AutoModel;
import dev.tunekit.model.Encoder;
import dev.tunekit.model.LinearFactory;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.Weights;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.InferenceStreams;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.Tensors;
import dev.tunekit.tokenize.Batch;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;

/**
 * Feature-extraction throughput: encoder forward pass under inference mode, [CLS] vectors out,
 * the way {@code bench_distilbert.py}'s infer modes measure it. Warm-up batches, then the timed ones.
 */
public final class ForwardBenchmark {
  /** Samples and tokens (real tokens, padding excluded) per second of the whole timed run. */
  public record Result(Precision precision, double samplesPerSecond, double tokensPerSecond,
      double medianStepMillis, int steps, double gflops) {}

  private final Encoder encoder;

  public ForwardBenchmark(ModelConfig config, long seed) {
    Engine.start();
    torch.manual_seed(seed);
    // Frozen as AutoModel.encoder makes it for features: under bf16 the weights are cast once.
    this.encoder = AutoModel.newEncoder(Weights.fresh(config).withLinears(LinearFactory.FROZEN), config);
    encoder.train(false);
  }

  /**
   * The batches run as features run them, on {@link InferenceStreams} (two batches at once on two
   * cores), so a step's own time is not the rate: the rate is always the whole timed run's, and
   * the step time reported is the run's time per batch.
   */
  public Result run(Precision precision, List<List<long[]>> batches, int warmup) {
    InferenceStreams.run(batches.subList(0, warmup), b -> pass(b, precision), (i, ignored) -> { });
    List<List<long[]>> timed = batches.subList(warmup, batches.size());
    long tokens = 0;
    double flops = 0;
    for (List<long[]> b : timed) {
      tokens += b.stream().mapToLong(ids -> ids.length).sum();
      flops += Flops.forwardFirstToken(encoder.config(), b, TrainBenchmark.ffn(encoder.config()));
    }
    long start = System.nanoTime();
    InferenceStreams.run(timed, b -> pass(b, precision), (i, ignored) -> { });
    double seconds = (System.nanoTime() - start) / 1e9;
    long samples = timed.stream().mapToLong(List::size).sum();
    return new Result(precision, samples / seconds, tokens / seconds, 1000 * seconds / timed.size(), timed.size(),
        flops / seconds / 1e9);
  }

  private boolean pass(List<long[]> rows, Precision precision) {
    try (InferenceMode guard = new InferenceMode(); PointerScope scope = new PointerScope();
        Precision.Region r = precision.enter()) {
      Batch batch = Batch.pad(rows, 0);
      Tensors.toFloats(encoder.firstToken(batch.inputIds(), batch.attentionMask()));
      return true;
    }
  }
}
