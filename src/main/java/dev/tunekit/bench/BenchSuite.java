package dev.tunekit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.TunekitException;
import dev.tunekit.data.DataOptions;
import dev.tunekit.data.Datasets;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.Labels;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.report.Machine;
import dev.tunekit.tensors.Engine;
import dev.tunekit.tensors.Precision;
import dev.tunekit.train.Memory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole benchmark behind {@code tunekit bench}: every mode and precision on the same batches,
 * the matmul ceiling, and with a reference the PyTorch script run on each mode right after
 * tunekit's, so that both halves of a ratio see the same state of a noisy host. With several
 * rounds the sequence repeats and the medians are reported.
 */
public final class BenchSuite {
  /** What to run; {@code model} null means DistilBERT-base's shape, {@code tokenizer} serves --lengths rt and features. */
  public record Options(List<String> modes, List<String> precisions, int batchSize, int steps, int warmup,
      Path model, String lengths, boolean groupByLength, Path shared, boolean reference, int rounds,
      Path tokenizer, Path featuresExport) {}

  /** A mega-batch of this many batches is sorted and cut for --group-by-length (HF's factor). */
  private static final int MEGA_BATCH = 50;

  private final Options o;
  private final ModelConfig config;
  private List<long[]> rtRows;

  public BenchSuite(Options options) {
    if (!List.of("synthetic", "rt").contains(options.lengths())) {
      throw new TunekitException("--lengths " + options.lengths() + " is unknown; use synthetic or rt");
    }
    for (String mode : options.modes()) {
      if (!List.of("forward", "features", "finetune", "lora").contains(mode)) {
        throw new TunekitException("--mode " + mode + " is unknown; use forward, features, finetune or lora");
      }
    }
    if ((options.lengths().equals("rt") || options.modes().contains("features")) && options.tokenizer() == null) {
      throw new TunekitException("--lengths rt and --mode features tokenize Rotten Tomatoes: give a tokenizer folder");
    }
    if (options.rounds() < 1) {
      throw new TunekitException("--rounds must be at least 1");
    }
    this.o = options;
    this.config = Shapes.config(options.model());
  }

  /** One mode at one precision, one round. */
  private record Measurement(double samplesPerSecond, double stepMillis, double gflops, double ceilingShare,
      double peakRssMb, Double reference) {
    Double ratio() {
      return reference == null ? null : samplesPerSecond / reference;
    }
  }

  /** Runs everything, printing a row per measurement to {@code out}; returns every figure as JSON. */
  public ObjectNode run(PrintWriter out) {
    Engine.start();
    out.printf("%s, random weights, batch %d, %s lengths, %d threads, %s of %d steps after %d warm-up%n",
        o.model() == null ? "DistilBERT-base shape" : "shape of " + o.model(), o.batchSize(),
        (o.lengths().equals("rt") ? "real Rotten Tomatoes" : "RT-like synthetic") + (o.groupByLength() ? " length-grouped" : ""),
        Engine.threads(), o.groupByLength() ? "whole-run rate" : "median", o.steps(), o.warmup());
    out.println("fp32 matrix products: " + Machine.fp32Kernels() + "; OpenMP threads between ops: " + Machine.openMpWait());
    Machine.fp32KernelWarning().ifPresent(w -> out.println("note: " + w));
    Map<String, List<Measurement>> all = new LinkedHashMap<>();
    Map<String, List<Double>> ceilings = new LinkedHashMap<>();
    for (int round = 1; round <= o.rounds(); round++) {
      if (o.rounds() > 1) {
        out.printf("round %d of %d%n", round, o.rounds());
      }
      for (String p : o.precisions()) {
        double g = MatmulCeiling.gflops(Precision.parse(p));
        ceilings.computeIfAbsent(p, k -> new ArrayList<>()).add(g);
        out.printf("matmul ceiling %s: %.0f GFLOP/s%n", p, g);
      }
      out.printf("%-9s %-5s %10s %9s %9s %8s %9s%s%n", "mode", "prec", "samples/s", "step ms", "GFLOP/s", "ceiling",
          "peak MB", o.reference() ? String.format(" %9s %7s", "PyTorch", "ratio") : "");
      out.flush();
      for (String mode : o.modes()) {
        for (String p : o.precisions()) {
          Measurement m = measure(mode, p, last(ceilings.get(p)), out);
          all.computeIfAbsent(mode + "." + p, k -> new ArrayList<>()).add(m);
          out.printf("%-9s %-5s %10.1f %9.0f %9.0f %7.0f%% %9.0f%s%n", mode, p, m.samplesPerSecond(), m.stepMillis(),
              m.gflops(), 100 * m.ceilingShare(), m.peakRssMb(),
              m.reference() == null ? "" : String.format(" %9.1f %6.2fx", m.reference(), m.ratio()));
          out.flush();
          System.gc();
        }
      }
    }
    ObjectNode results = summary(all, out);
    ceilings.forEach((p, g) -> results.putObject("ceiling." + p).put("gflops", median(g)));
    results.putObject("settings").put("lengths", o.lengths()).put("group_by_length", o.groupByLength())
        .put("batch_size", o.batchSize()).put("steps", o.steps()).put("warmup", o.warmup())
        .put("threads", Engine.threads()).put("rounds", o.rounds()).put("fp32_matrix_products", Machine.fp32Kernels())
        .put("openmp_wait", Machine.openMpWait());
    return results;
  }

  /** Per mode and precision: the medians over rounds (and each round's figures), printed when there were several. */
  private ObjectNode summary(Map<String, List<Measurement>> all, PrintWriter out) {
    ObjectNode results = new ObjectMapper().createObjectNode();
    if (o.rounds() > 1) {
      out.printf("medians of %d rounds (peak: the lowest)%n%-9s %-5s %10s %8s %9s%s%n", o.rounds(), "mode", "prec", "samples/s", "ceiling", "peak MB",
          o.reference() ? String.format(" %9s %7s  %s", "PyTorch", "ratio", "ratio per round") : "");
    }
    all.forEach((key, ms) -> {
      ObjectNode r = results.putObject(key);
      r.put("samples_per_second", median(ms.stream().map(Measurement::samplesPerSecond).toList()))
          .put("median_step_ms", median(ms.stream().map(Measurement::stepMillis).toList()))
          .put("gflops", median(ms.stream().map(Measurement::gflops).toList()))
          .put("ceiling_share", median(ms.stream().map(Measurement::ceilingShare).toList()))
          // The process keeps what earlier modes freed (see the launcher), so later rounds start higher: the lowest is this mode's.
          .put("peak_rss_mb", ms.stream().mapToDouble(Measurement::peakRssMb).min().orElseThrow());
      boolean referenced = ms.get(0).reference() != null;
      if (referenced) {
        r.put("reference_samples_per_second", median(ms.stream().map(Measurement::reference).toList()))
            .put("ratio", median(ms.stream().map(Measurement::ratio).toList()));
      }
      if (ms.size() > 1) {
        ArrayNode rounds = r.putArray("rounds");
        for (Measurement m : ms) {
          ObjectNode one = rounds.addObject().put("samples_per_second", m.samplesPerSecond()).put("ceiling_share", m.ceilingShare());
          if (referenced) {
            one.put("reference_samples_per_second", m.reference()).put("ratio", m.ratio());
          }
        }
        String[] parts = key.split("\\.");
        out.printf("%-9s %-5s %10.1f %7.0f%% %9.0f%s%n", parts[0], parts[1], r.get("samples_per_second").asDouble(),
            100 * r.get("ceiling_share").asDouble(), r.get("peak_rss_mb").asDouble(), !referenced ? "" : String.format(" %9.1f %6.2fx  %s",
                r.get("reference_samples_per_second").asDouble(), r.get("ratio").asDouble(),
                String.join(" ", ms.stream().map(m -> String.format("%.2fx", m.ratio())).toList())));
      }
    });
    return results;
  }

  private Measurement measure(String mode, String p, double ceiling, PrintWriter out) {
    Precision precision = Precision.parse(p);
    Memory.resetPeak();
    double samples;
    double ms;
    double gflops;
    switch (mode) {
      case "features" -> {
        var r = FeaturesBenchmark.run(config, precision, o.shared().resolve("data/rotten_tomatoes"), o.tokenizer(), o.featuresExport());
        samples = r.samplesPerSecond();
        ms = r.seconds() * 1000;
        gflops = r.gflops();
        out.printf("features: all %,d RT sentences in %.1f s (%.0f GFLOP/s); linear SVM (C=1) fit on %d x %d in %.1f s%n",
            r.sentences(), r.seconds(), r.gflops(), r.trainRows(), r.dims(), r.svmSeconds());
      }
      case "forward" -> {
        var r = new ForwardBenchmark(config, 1234).run(precision, batches(), untimed());
        samples = r.samplesPerSecond();
        ms = r.medianStepMillis();
        gflops = r.gflops();
      }
      case "finetune" -> {
        var r = TrainBenchmark.run(TrainBenchmark.fullFineTuning(config.withLabels(Labels.generic(2)), 1234), precision,
            batches(), untimed(), 3, o.groupByLength());
        samples = r.samplesPerSecond();
        ms = r.medianStepMillis();
        gflops = r.gflops();
      }
      default -> {
        var r = TrainBenchmark.run(TrainBenchmark.lora(config, 1234), precision, batches(), untimed(), 2, o.groupByLength());
        samples = r.samplesPerSecond();
        ms = r.medianStepMillis();
        gflops = r.gflops();
      }
    }
    double peak = Memory.peakRssMb();
    Double reference = null;
    if (o.reference() && !mode.equals("features")) {
      String refMode = ReferenceBenchmark.mode(mode, p);
      reference = ReferenceBenchmark.run(o.shared(), List.of(refMode), o.warmup(), o.steps(), Engine.threads()).get(refMode);
    }
    return new Measurement(samples, ms, gflops, gflops / ceiling, peak, reference);
  }

  /** The benchmark's batches: {@link #untimed()} warm-up ones, then timed ones (length-grouped with --group-by-length). */
  private List<List<long[]>> batches() {
    if (!o.groupByLength()) {
      return batches(o.warmup() + o.steps(), 1234);
    }
    List<List<long[]>> timed = Shapes.lengthGrouped(batches(MEGA_BATCH, 1234), o.steps(), o.batchSize());
    List<List<long[]>> all = new ArrayList<>(batches(o.warmup(), 4321));
    // Each grouped batch has a length of its own, and the bf16 matrix library builds its kernels
    // once per shape: an epoch pays that in its first few steps. One untimed pass over the timed
    // shapes keeps it out of the measured steady state.
    all.addAll(timed);
    all.addAll(timed);
    return all;
  }

  /** Batches run before timing starts. */
  private int untimed() {
    return o.groupByLength() ? o.warmup() + o.steps() : o.warmup();
  }

  /** Batches: synthetic as the reference's, or drawn from real tokenized RT. */
  private List<List<long[]>> batches(int count, long seed) {
    int max = config.maxPositions();
    if (o.lengths().equals("synthetic")) {
      return Shapes.rtLikeBatches(count, o.batchSize(), seed, max);
    }
    if (rtRows == null) {
      var data = Datasets.load(DataOptions.of(o.shared().resolve("data/rotten_tomatoes").toString()));
      try (var tok = AutoModel.tokenizer(o.tokenizer(), AutoModel.config(o.tokenizer()))) {
        rtRows = tok.encode(data.train().texts());
      }
    }
    return Shapes.sampledBatches(rtRows.stream().filter(r -> r.length <= max).toList(), count, o.batchSize(), seed);
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }

  private static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
