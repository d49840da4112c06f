package dev.tunekit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.AtomicFile;
import dev.tunekit.TunekitException;
import dev.tunekit.bench.FeaturesBenchmark;
import dev.tunekit.bench.ForwardBenchmark;
import dev.tunekit.bench.MatmulCeiling;
import dev.tunekit.bench.ReferenceBenchmark;
import dev.tunekit.bench.Shapes;
import dev.tunekit.bench.TrainBenchmark;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import dev.tunekit.train.Memory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit bench}: throughput of the DistilBERT-base shape, optionally side by side with PyTorch. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Samples/s, GFLOP/s and share of the matmul ceiling for the DistilBERT-base shape (random weights, "
        + "batches with Rotten-Tomatoes-like lengths); --reference runs the PyTorch reference on the same settings.")
final class BenchCommand implements Callable<Integer> {
  @Mixin Main.Common common;
  @Spec CommandSpec spec;

  @Option(names = "--mode", defaultValue = "forward,finetune,lora", split = ",", paramLabel = "forward|features|finetune|lora",
      description = "What to measure (default: ${DEFAULT-VALUE}).")
  List<String> modes = new ArrayList<>();

  @Option(names = "--precision", defaultValue = "fp32,bf16", split = ",", paramLabel = "fp32|bf16",
      description = "Precisions (default: ${DEFAULT-VALUE}).")
  List<String> precisions = new ArrayList<>();

  @Option(names = "--batch-size", defaultValue = "16", paramLabel = "N")
  int batchSize;

  @Option(names = "--steps", defaultValue = "12", paramLabel = "N", description = "Timed steps; the median is reported.")
  int steps;

  @Option(names = "--warmup", defaultValue = "3", paramLabel = "N")
  int warmup;

  @Option(names = "--reference", description = "Also run ../shared/reference/bench_distilbert.py (python3-torch) and print ratios.")
  boolean reference;

  @Option(names = "--shared", defaultValue = "../shared", paramLabel = "DIR", description = "Where the reference lives.")
  Path shared;

  @Option(names = "--json", paramLabel = "FILE", description = "Write every figure as JSON.")
  Path json;

  @Option(names = "--model", paramLabel = "CONFIG|DIR", description = "The shape: a config.json or a model folder "
      + "(random weights of that shape; default: distilbert-base-uncased's shape).")
  Path model;

  @Option(names = "--lengths", defaultValue = "synthetic", paramLabel = "synthetic|rt",
      description = "synthetic: the reference's lengths, round(N(27, 12)) in [3, 70] (default); rt: batches drawn "
          + "from the real tokenized Rotten Tomatoes train split.")
  String lengths;

  @Option(names = "--group-by-length", description = "Time tunekit's training and inference on length-grouped "
      + "batches (the same length distribution, sorted into batches of similar lengths, as --group-by-length "
      + "trains); rates are then whole-run rates. The reference keeps its padded random batches.")
  boolean groupByLength;

  /** A mega-batch of this many batches is sorted and cut for --group-by-length (HF's factor). */
  private static final int MEGA_BATCH = 50;

  private List<long[]> rtRows;

  /** The benchmark's batches: {@link #untimed()} warm-up ones, then timed ones (length-grouped with --group-by-length). */
  private List<List<long[]>> batches() {
    if (!groupByLength) {
      return batches(warmup + steps, 1234);
    }
    List<List<long[]>> timed = Shapes.lengthGrouped(batches(MEGA_BATCH, 1234), steps, batchSize);
    List<List<long[]>> all = new ArrayList<>(batches(warmup, 4321));
    // Each grouped batch has a length of its own, and the bf16 matrix library builds its kernels
    // once per shape: an epoch pays that in its first few steps. One untimed pass over the timed
    // shapes keeps it out of the measured steady state.
    all.addAll(timed);
    all.addAll(timed);
    return all;
  }

  /** Batches run before timing starts. */
  private int untimed() {
    return groupByLength ? warmup + steps : warmup;
  }

  /** Batches: synthetic as the reference's, or drawn from real tokenized RT. */
  private List<List<long[]>> batches(int count, long seed) {
    if (lengths.equals("synthetic")) {
      return Shapes.rtLikeBatches(count, batchSize, seed, Shapes.config(model).maxPositions());
    }
    if (!lengths.equals("rt")) {
      throw new TunekitException("--lengths " + lengths + " is unknown; use synthetic or rt");
    }
    if (rtRows == null) {
      var data = dev.tunekit.data.Datasets.load(dev.tunekit.data.DataOptions.of(shared.resolve("data/rotten_tomatoes").toString()));
      Path tokenizer = ModelArg.resolve("minilm"); // distilbert-base-uncased's vocabulary and rules
      try (var tok = dev.tunekit.model.AutoModel.tokenizer(tokenizer, dev.tunekit.model.AutoModel.config(tokenizer))) {
        rtRows = tok.encode(data.train().texts());
      }
    }
    int max = Shapes.config(model).maxPositions();
    return Shapes.sampledBatches(rtRows.stream().filter(r -> r.length <= max).toList(), count, batchSize, seed);
  }

  @Override
  public Integer call() {
    Engine.start(common.threads);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Double> ceilings = new LinkedHashMap<>();
    for (String p : precisions) {
      ceilings.put(p, MatmulCeiling.gflops(Precision.parse(p)));
    }
    out.printf("%s, random weights, batch %d, %s lengths, %d threads, %s of %d steps after %d warm-up%n",
        model == null ? "DistilBERT-base shape" : "shape of " + model, batchSize,
        (lengths.equals("rt") ? "real Rotten Tomatoes" : "RT-like synthetic") + (groupByLength ? " length-grouped" : ""),
        Engine.threads(), groupByLength ? "whole-run rate" : "median", steps, warmup);
    ceilings.forEach((p, g) -> out.printf("matmul ceiling %s: %.0f GFLOP/s%n", p, g));
    out.printf("%-9s %-5s %10s %9s %9s %8s %9s%n", "mode", "prec", "samples/s", "step ms", "GFLOP/s", "ceiling", "peak MB");
    ObjectNode results = new ObjectMapper().createObjectNode();
    for (String mode : modes) {
      for (String p : precisions) {
        Precision precision = Precision.parse(p);
        var batches = batches();
        Memory.resetPeak();
        double samples;
        double ms;
        double gflops;
        switch (mode) {
          case "features" -> {
            var r = FeaturesBenchmark.run(Shapes.config(model), precision, shared.resolve("data/rotten_tomatoes"),
                ModelArg.resolve("minilm"), json == null ? null : json.resolveSibling(json.getFileName() + ".features.safetensors"));
            samples = r.samplesPerSecond();
            ms = r.seconds() * 1000;
            gflops = r.gflops();
            out.printf("features: all %,d RT sentences in %.1f s (%.0f GFLOP/s); linear SVM (C=1) fit on %d x %d in %.1f s%n",
                r.sentences(), r.seconds(), r.gflops(), r.trainRows(), r.dims(), r.svmSeconds());
          }
          case "forward" -> {
            var r = new ForwardBenchmark(Shapes.config(model), 1234).run(precision, batches, untimed(), groupByLength);
            samples = r.samplesPerSecond();
            ms = r.medianStepMillis();
            gflops = r.gflops();
          }
          case "finetune" -> {
            var r = TrainBenchmark.run(TrainBenchmark.fullFineTuning(Shapes.config(model).withLabels(dev.tunekit.model.Labels.generic(2)), 1234), precision, batches, untimed(), 3, groupByLength);
            samples = r.samplesPerSecond();
            ms = r.medianStepMillis();
            gflops = r.gflops();
          }
          case "lora" -> {
            var r = TrainBenchmark.run(TrainBenchmark.lora(Shapes.config(model), 1234), precision, batches, untimed(), 2, groupByLength);
            samples = r.samplesPerSecond();
            ms = r.medianStepMillis();
            gflops = r.gflops();
          }
          default -> throw new TunekitException("--mode " + mode + " is unknown; use forward, finetune or lora");
        }
        double peak = Memory.peakRssMb();
        double share = gflops / ceilings.get(p);
        out.printf("%-9s %-5s %10.1f %9.0f %9.0f %7.0f%% %9.0f%n", mode, p, samples, ms, gflops, 100 * share, peak);
        out.flush();
        results.putObject(mode + "." + p).put("samples_per_second", samples).put("median_step_ms", ms)
            .put("gflops", gflops).put("ceiling_share", share).put("peak_rss_mb", peak);
        System.gc();
      }
    }
    if (reference) {
      List<String> refModes = new ArrayList<>();
      for (String mode : modes) {
        for (String p : precisions) {
          if (!mode.equals("features")) {
            refModes.add(ReferenceBenchmark.mode(mode, p));
          }
        }
      }
      out.println("running the PyTorch reference (" + String.join(",", refModes) + ")...");
      out.flush();
      Map<String, Double> ref = ReferenceBenchmark.run(shared, refModes, warmup, steps, Engine.threads());
      out.printf("%-9s %-5s %10s %10s %7s%n", "mode", "prec", "tunekit", "PyTorch", "ratio");
      for (String mode : modes) {
        for (String p : precisions) {
          ObjectNode r = (ObjectNode) results.get(mode + "." + p);
          Double theirs = mode.equals("features") ? null : ref.get(ReferenceBenchmark.mode(mode, p));
          if (theirs == null) {
            continue;
          }
          double ours = r.get("samples_per_second").asDouble();
          r.put("reference_samples_per_second", theirs).put("ratio", ours / theirs);
          out.printf("%-9s %-5s %10.1f %10.1f %6.2fx%n", mode, p, ours, theirs, ours / theirs);
        }
      }
    }
    ceilings.forEach((p, g) -> results.putObject("ceiling." + p).put("gflops", g));
    results.putObject("settings").put("lengths", lengths).put("group_by_length", groupByLength)
        .put("batch_size", batchSize).put("steps", steps).put("warmup", warmup).put("threads", Engine.threads());
    if (json != null) {
      AtomicFile.writeText(json, w -> w.write(results.toPrettyString() + "\n"));
    }
    return 0;
  }
}
