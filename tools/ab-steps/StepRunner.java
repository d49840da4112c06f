// A/B harness, not part of the build: see run.sh.
import dev.tunekit.bench.Shapes;
import dev.tunekit.bench.TrainBenchmark;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.tensors.Precision;
import dev.tunekit.train.TrainStep;
import java.util.*;
import org.bytedeco.javacpp.PointerScope;

/** One training step per run(), cycling over length-grouped batches (loaded once per jar). */
public class StepRunner implements Runnable {
  final TrainStep step;
  final TrainBenchmark.Setup setup;
  final List<List<long[]>> batches;
  int i;
  public StepRunner(String precision, boolean lora) {
    ModelConfig config = Shapes.distilbertBase();
    setup = lora ? TrainBenchmark.lora(config, 7) : TrainBenchmark.fullFineTuning(config, 7);
    step = new TrainStep(setup.model(), setup.trainable(), setup.noDecay(), 0.01, Precision.parse(precision), 1.0);
    setup.model().train(true);
    batches = Shapes.lengthGrouped(Shapes.rtLikeBatches(64, 16, 11), 64, 16);
  }
  public void run() {
    List<long[]> rows = batches.get(i++ % batches.size());
    int[] idx = new int[rows.size()], labels = new int[rows.size()];
    for (int j = 0; j < idx.length; j++) { idx[j] = j; labels[j] = j % 2; }
    try (PointerScope scope = new PointerScope()) {
      TokenizedSplit split = new TokenizedSplit("ab", rows, labels);
      step.forwardBackward(split.batch(idx, 0), 1);
      step.update(2e-5);
    }
  }
}
