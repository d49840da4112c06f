package dev.tunekit.bench;

import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.Labels;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.peft.LoraConfig;
import dev.tunekit.peft.LoraModel;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.model.Weights;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import dev.tunekit.train.Memory;
import dev.tunekit.train.TrainStep;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Training-step throughput as {@code bench_distilbert.py}'s ft modes measure it: train mode
 * (dropout on), cross-entropy, backward, clipping at 1.0, AdamW (lr 2e-5, weight decay 0.01
 * except biases and LayerNorm), zeroed gradients. Warm-up steps, then the median step.
 */
public final class TrainBenchmark {
  /** What to train: every parameter, or a subset (LoRA). */
  public interface Setup {
    SequenceClassifier model();

    Map<String, Tensor> trainable();

    Set<String> noDecay();
  }

  /** Median-step throughput, and the FLOP rate of that median step ({@code passes} encoder passes of work). */
  public record Result(Precision precision, double samplesPerSecond, double medianStepMillis, double peakRssMb, double gflops) {}

  private TrainBenchmark() {}

  /** Full fine-tuning of a randomly initialised classifier of {@code config}'s shape. */
  public static Setup fullFineTuning(ModelConfig config, long seed) {
    Engine.start();
    torch.manual_seed(seed);
    SequenceClassifier model = AutoModel.newClassifier(Weights.fresh(config), config);
    return new Setup() {
      @Override public SequenceClassifier model() { return model; }
      @Override public Map<String, Tensor> trainable() { return model.parameters(); }
      @Override public Set<String> noDecay() { return model.noDecay(); }
    };
  }

  /** LoRA r=8, alpha 16, dropout 0.1 on the default targets of a randomly initialised model, 2 labels. */
  public static Setup lora(ModelConfig config, long seed) {
    Engine.start();
    torch.manual_seed(seed);
    LoraModel model = LoraModel.fresh(config.withLabels(Labels.generic(2)), LoraConfig.of(8, 16, 0.1));
    return new Setup() {
      @Override public SequenceClassifier model() { return model; }
      @Override public Map<String, Tensor> trainable() { return model.trainable(); }
      @Override public Set<String> noDecay() { return model.noDecay(); }
    };
  }

  /**
   * Runs warm-up then timed steps; {@code passes} is the step's work in encoder forward passes
   * (3 for full fine-tuning: forward, input and weight gradients; 2 for LoRA, whose frozen
   * weights need no gradient).
   */
  public static Result run(Setup setup, Precision precision, List<List<long[]>> batches, int warmup, double passes,
      boolean grouped) {
    TrainStep step = new TrainStep(setup.model(), setup.trainable(), setup.noDecay(), 0.01, precision, 1.0);
    setup.model().train(true);
    int[] labels = new int[batches.get(0).size()];
    StepTimes times = new StepTimes(batches.size() - warmup, grouped);
    long samples = 0;
    double flops = 0;
    for (int i = 0; i < batches.size(); i++) {
      List<long[]> rows = batches.get(i);
      int[] indices = new int[rows.size()];
      for (int j = 0; j < indices.length; j++) {
        indices[j] = j;
        labels[j] = j % 2;
      }
      long start = System.nanoTime();
      try (PointerScope scope = new PointerScope()) {
        TokenizedSplit split = new TokenizedSplit("bench", rows, Arrays.copyOf(labels, rows.size()));
        step.forwardBackward(split.batch(indices, 0), 1);
        step.update(2e-5);
      }
      if (i >= warmup) {
        times.add((System.nanoTime() - start) / 1e6);
        samples += rows.size();
        flops += passes * Flops.forwardFirstToken(setup.model().config(), rows, ffn(setup.model().config()));
      }
    }
    return new Result(precision, times.perSecond(samples), times.medianMillis(), Memory.peakRssMb(),
        times.perSecond(flops) / 1e9);
  }

  /** The feed-forward width of a config. */
  static int ffn(ModelConfig c) {
    return c instanceof dev.tunekit.model.DistilBert.Config d ? d.hiddenDim() : ((dev.tunekit.model.Bert.Config) c).intermediateSize();
  }
}
