package dev.tunekit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunekit.Fixtures;
import dev.tunekit.data.DataOptions;
import dev.tunekit.data.Datasets;
import dev.tunekit.data.Split;
import dev.tunekit.data.TextDataset;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.TunekitException;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.Encoder;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.model.Weights;
import dev.tunekit.model.SavePretrained;
import dev.tunekit.model.SequenceClassifier;
import dev.tunekit.tensors.Precision;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.Tensors;
import dev.tunekit.tokenize.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Trainer on the tiny DistilBERT and a slice of Rotten Tomatoes. */
class TrainerTest {
  static final Path MODEL = Fixtures.fixture("tiny-distilbert").resolve("model");
  static TextDataset dataset;
  static TokenizedSplit train;
  static TokenizedSplit validation;

  @TempDir Path tmp;

  @BeforeAll
  static void data() {
    TextDataset rt = Datasets.load(DataOptions.of(Fixtures.shared().resolve("data/rotten_tomatoes").toString()));
    dataset = rt.withTrainSample(96, 1);
    try (Tokenizer tok = AutoModel.tokenizer(MODEL, AutoModel.config(MODEL))) {
      train = TokenizedSplit.of(dataset.train(), tok);
      validation = TokenizedSplit.of(dataset.validation().subset(range(48)), tok);
    }
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  TrainingArguments args(Path out) {
    TrainingArguments a = new TrainingArguments();
    a.epochs = 2;
    a.batchSize = 16;
    a.learningRate = 1e-3;
    a.outputDir = out;
    a.progress = false;
    a.seed = 7;
    return a;
  }

  /** The model with a fresh head, seeded as the pipeline seeds it. */
  static SequenceClassifier model() {
    org.bytedeco.pytorch.global.torch.manual_seed(7);
    return AutoModel.forLabels(MODEL, dataset.labels(), true);
  }

  static float[] flat(SequenceClassifier m) {
    return Tensors.toFloats(m.parameters().get("distilbert.transformer.layer.1.ffn.lin1.weight"));
  }

  @Test
  void sameSeedSameRun() {
    SequenceClassifier a = model();
    TrainResult ra = Trainer.fullFineTuning(a, args(null), 0).train(train, validation);
    SequenceClassifier b = model();
    TrainResult rb = Trainer.fullFineTuning(b, args(null), 0).train(train, validation);
    assertEquals(ra.epochs(), rb.epochs());
    assertArrayEquals(flat(a), flat(b));
    assertEquals(2, ra.epochs().size());
    assertEquals(12, ra.optimizerSteps(), "2 epochs x 6 batches of 16");
  }

  @Test
  void killedAfterEpochOneResumesToTheSameWeightsAndMetrics() {
    SequenceClassifier whole = model();
    TrainResult uninterrupted = Trainer.fullFineTuning(whole, args(tmp.resolve("a")), 0).train(train, validation);

    SequenceClassifier first = model();
    RuntimeException crash = assertThrows(RuntimeException.class, () -> Trainer.fullFineTuning(first, args(tmp.resolve("b")), 0)
        .onCheckpoint(dir -> { throw new RuntimeException("killed at " + dir); }).train(train, validation));
    assertTrue(crash.getMessage().endsWith("checkpoint-6"), crash.getMessage());

    SequenceClassifier resumed = model(); // a fresh process: fresh weights, fresh RNG
    TrainingArguments again = args(tmp.resolve("b"));
    again.resume = true;
    TrainResult r = Trainer.fullFineTuning(resumed, again, 0).train(train, validation);
    assertEquals(uninterrupted.epochs(), r.epochs());
    assertArrayEquals(flat(whole), flat(resumed));
  }

  @Test
  void killedMidEpochResumesToTheSameWeights() {
    SequenceClassifier whole = model();
    TrainingArguments a = args(tmp.resolve("a"));
    a.saveSteps = 4;
    Trainer.fullFineTuning(whole, a, 0).train(train, validation);

    TrainingArguments b = args(tmp.resolve("b"));
    b.saveSteps = 4;
    assertThrows(RuntimeException.class, () -> Trainer.fullFineTuning(model(), b, 0)
        .onCheckpoint(dir -> {
          if (dir.endsWith("checkpoint-8")) {
            throw new RuntimeException("killed");
          }
        }).train(train, validation));
    b.resume = true;
    SequenceClassifier resumed = model();
    Trainer.fullFineTuning(resumed, b, 0).train(train, validation);
    assertArrayEquals(flat(whole), flat(resumed));
    List<String> log;
    try {
      log = Files.readAllLines(tmp.resolve("b/trainer_log.jsonl"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals(12 + 2, log.size(), "each step and evaluation logged once, none twice");
  }

  @Test
  void checkpointsRotateAndSavedModelLoadsBack() throws IOException {
    SequenceClassifier m = model();
    TrainingArguments a = args(tmp.resolve("out"));
    a.saveTotalLimit = 1;
    Trainer.fullFineTuning(m, a, 0).train(train, validation);
    try (var dirs = Files.list(tmp.resolve("out/checkpoints"))) {
      assertEquals(List.of("checkpoint-12"), dirs.map(p -> p.getFileName().toString()).toList());
    }
    SavePretrained.save(m, MODEL, tmp.resolve("out"));
    JsonNode config = new ObjectMapper().readTree(tmp.resolve("out/config.json").toFile());
    assertEquals("DistilBertForSequenceClassification", config.get("architectures").get(0).asText());
    assertEquals("pos", config.get("id2label").get("1").asText());
    assertEquals(0, config.get("label2id").get("neg").asInt());
    assertTrue(Files.isRegularFile(tmp.resolve("out/tokenizer.json")));
    SequenceClassifier back = AutoModel.classifier(tmp.resolve("out"));
    assertEquals(dataset.labels(), back.config().labels());
    TokenizedSplit.LabeledBatch b = validation.batch(range(8), 0);
    try (InferenceMode g = new InferenceMode()) {
      m.train(false);
      back.train(false);
      assertArrayEquals(Tensors.toFloats(m.logits(b.batch().inputIds(), b.batch().attentionMask())),
          Tensors.toFloats(back.logits(b.batch().inputIds(), b.batch().attentionMask())), "identical logits");
    }
  }

  @Test
  void earlyStoppingAndBestModel() {
    TrainingArguments a = args(tmp.resolve("es"));
    a.epochs = 6;
    a.learningRate = 0; // nothing improves
    a.earlyStoppingPatience = 2;
    a.metricForBestModel = "loss";
    TrainResult r = Trainer.fullFineTuning(model(), a, 0).train(train, validation);
    assertTrue(r.stoppedEarly());
    assertTrue(r.epochs().size() < 6, "stopped before the last epoch: " + r.epochs().size());
  }

  @Test
  void bf16TrainingFollowsFp32() {
    TrainResult fp32 = Trainer.fullFineTuning(model(), args(null), 0).train(train, validation);
    TrainingArguments a = args(null);
    a.precision = Precision.BF16;
    TrainResult bf16 = Trainer.fullFineTuning(model(), a, 0).train(train, validation);
    for (int e = 0; e < 2; e++) {
      assertEquals(fp32.epochs().get(e).trainLoss(), bf16.epochs().get(e).trainLoss(), 0.02, "epoch " + e + " train loss");
      assertEquals(fp32.epochs().get(e).valLoss(), bf16.epochs().get(e).valLoss(), 0.02, "epoch " + e + " val loss");
    }
  }

  @Test
  void scheduleIsHfLinearWithWarmup() {
    LinearSchedule s = new LinearSchedule(1.0, 10, 110);
    assertEquals(0.0, s.at(0));
    assertEquals(0.5, s.at(5), 1e-12);
    assertEquals(1.0, s.at(10), 1e-12);
    assertEquals(0.5, s.at(60), 1e-12);
    assertEquals(0.0, s.at(110), 1e-12);
  }

  @Test
  void metricsAsScikitLearnComputesThem() {
    int[] gold = {1, 1, 1, 0, 0, 0, 1, 0};
    int[] pred = {1, 0, 1, 0, 1, 0, 1, 1};
    // tp 3, fp 2, fn 1: precision 0.6, recall 0.75, F1 = 2*0.6*0.75/1.35
    assertEquals(5.0 / 8, Metrics.accuracy(pred, gold), 1e-12);
    assertEquals(2 * 0.6 * 0.75 / 1.35, Metrics.f1(pred, gold, 2), 1e-12);
    assertArrayEquals(new int[][] {{2, 2}, {1, 3}}, Metrics.confusion(pred, gold, 2));
    // three classes: macro F1 = mean of per-class F1 (1, 0.5, 0.8) computed by hand
    int[] g3 = {0, 1, 2, 2, 1, 2};
    int[] p3 = {0, 2, 2, 2, 1, 1};
    double f1c1 = 2.0 * 1 / (2 * 1 + 1 + 1);
    double f1c2 = 2.0 * 2 / (2 * 2 + 1 + 1);
    assertEquals((1 + f1c1 + f1c2) / 3, Metrics.f1(p3, g3, 3), 1e-12);
  }


  /** The model, with the loss made NaN from the {@code badStep}-th training forward pass on. */
  static SequenceClassifier failingFrom(int badStep) {
    SequenceClassifier real = model();
    int[] calls = {0};
    boolean[] training = {false};
    return new Delegate(real) {
      @Override public void train(boolean t) {
        training[0] = t;
        real.train(t);
      }

      @Override public Tensor logits(Tensor ids, Tensor mask) {
        Tensor logits = real.logits(ids, mask);
        return training[0] && ++calls[0] >= badStep ? logits.mul(new Scalar(Double.NaN)) : logits;
      }
    };
  }

  @Test
  void nonFiniteLossNamesTheStepAndTheLastGoodCheckpoint() {
    TrainingArguments a = args(tmp.resolve("nan"));
    a.saveSteps = 1;
    a.saveTotalLimit = 5;
    TunekitException e = assertThrows(TunekitException.class, () -> Trainer.fullFineTuning(failingFrom(4), a, 0)
        .train(train, validation));
    // The NaN came from the weights after step 3, so checkpoint-3 is suspect: the last good one is step 2.
    Path good = tmp.resolve("nan/checkpoints/checkpoint-2");
    assertEquals("the training loss became NaN at step 4 (epoch 1); lower --lr or use --precision fp32; the last good "
        + "checkpoint is " + good + " (delete newer ones to --resume from it)", e.getMessage());
    assertTrue(Files.isRegularFile(good.resolve("model.safetensors")));
    assertTrue(Files.isDirectory(tmp.resolve("nan/checkpoints/checkpoint-3")), "the suspect one is there, not named");

    // A real divergence: lr 1e30 throws the weights to ~1e30 in one update, and activations overflow.
    TrainingArguments b = args(tmp.resolve("diverged"));
    b.learningRate = 1e30;
    b.saveSteps = 1;
    e = assertThrows(TunekitException.class, () -> Trainer.fullFineTuning(model(), b, 0).train(train, validation));
    assertTrue(e.getMessage().matches("the training loss became (NaN|Infinity) at step \\d \\(epoch 1\\); lower --lr or "
        + "use --precision fp32(; the last good checkpoint is .*)?"), e.getMessage());
  }

  @Test
  void outOfMemoryInATrainingStepIsOneLineAskingForASmallerBatch() {
    // libtorch's real allocation failure: 4 PB, beyond any address space, so refused at once
    // whatever the machine's overcommit policy (a few TB might be granted and then touched).
    SequenceClassifier hungry = new Delegate(model()) {
      @Override public Tensor logits(Tensor ids, Tensor mask) {
        return torch.zeros(new long[] {1L << 50}, new TensorOptions(torch.ScalarType.Float));
      }
    };
    TunekitException e = assertThrows(TunekitException.class,
        () -> Trainer.fullFineTuning(hungry, args(null), 0).train(train, validation));
    assertTrue(e.getMessage().matches("out of memory at training step 1 \\(a batch of 16 texts of up to \\d+ tokens\\) "
        + "\\(libtorch could not allocate 4\\.5 PB\\); use a smaller --batch-size \\(--gradient-accumulation-steps "
        + "keeps the effective batch\\) or --max-length"), e.getMessage());
  }

  @Test
  void onlyWholeCheckpointsCountAndLeftoversOfAKilledRunGo() throws IOException {
    SequenceClassifier m = model();
    TrainingArguments a = args(tmp.resolve("whole"));
    a.epochs = 1;
    Trainer.fullFineTuning(m, a, 0).train(train, validation);
    Checkpoints checkpoints = new Checkpoints(tmp.resolve("whole"));
    Path root = tmp.resolve("whole/checkpoints");
    assertEquals(List.of(root.resolve("checkpoint-6")), checkpoints.list());
    // A newer folder without its optimizer state (as if cut short) and a temp folder of a killed save.
    Path partial = Files.createDirectories(root.resolve("checkpoint-9"));
    Files.copy(root.resolve("checkpoint-6/trainer_state.json"), partial.resolve("trainer_state.json"));
    Files.copy(root.resolve("checkpoint-6/model.safetensors"), partial.resolve("model.safetensors"));
    Path temp = Files.createDirectories(root.resolve(".checkpoint-12.tmp-1"));
    assertEquals(root.resolve("checkpoint-6"), checkpoints.latest());
    assertTrue(Files.notExists(temp), "a killed save's temp folder is cleared");
  }

  /** A classifier that forwards everything to another (tests override what they break). */
  static class Delegate implements SequenceClassifier {
    final SequenceClassifier real;

    Delegate(SequenceClassifier real) {
      this.real = real;
    }

    @Override public ModelConfig config() { return real.config(); }
    @Override public Encoder encoder() { return real.encoder(); }
    @Override public void train(boolean training) { real.train(training); }
    @Override public Weights weights() { return real.weights(); }
    @Override public Tensor logits(Tensor ids, Tensor mask) { return real.logits(ids, mask); }
  }
}
