package dev.tunekit.bench;

import dev.tunekit.model.AutoModel;
import dev.tunekit.model.Encoder;
import dev.tunekit.model.LinearFactory;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.Weights;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.Tensors;
import dev.tunekit.tokenize.Batch;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.global.torch;

/**
 * Feature-extraction throughput: encoder forward pass under inference mode, [CLS] vectors out,
 * the way {@code bench_distilbert.py}'s infer modes measure it. Warm-up steps, then the median.
 */
public final class ForwardBenchmark {
  /** Samples per second (median step) and tokens per second (real tokens, padding excluded). */
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

  public Result run(Precision precision, List<List<long[]>> batches, int warmup, boolean grouped) {
    StepTimes times = new StepTimes(batches.size() - warmup, grouped);
    long tokens = 0;
    long samples = 0;
    double flops = 0;
    try (InferenceMode guard = new InferenceMode()) {
      for (int i = 0; i < batches.size(); i++) {
        long start = System.nanoTime();
        try (PointerScope scope = new PointerScope(); Precision.Region r = precision.enter()) {
          Batch batch = Batch.pad(batches.get(i), 0);
          Tensors.toFloats(encoder.firstToken(batch.inputIds(), batch.attentionMask()));
          if (i >= warmup) {
            tokens += Arrays.stream(batch.lengths()).sum();
            samples += batch.size();
            flops += Flops.forwardFirstToken(encoder.config(), batches.get(i), TrainBenchmark.ffn(encoder.config()));
          }
        }
        if (i >= warmup) {
          times.add((System.nanoTime() - start) / 1e6);
        }
      }
    }
    return new Result(precision, times.perSecond(samples), times.perSecond(tokens), times.medianMillis(),
        batches.size() - warmup, times.perSecond(flops) / 1e9);
  }
}
