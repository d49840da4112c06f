package dev.tunekit.cli;

import dev.tunekit.data.DataStats;
import dev.tunekit.data.Datasets;
import dev.tunekit.data.Split;
import dev.tunekit.data.TextDataset;
import dev.tunekit.data.TokenizedSplit;
import dev.tunekit.model.AutoModel;
import dev.tunekit.model.ModelConfig;
import dev.tunekit.tokenize.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit data inspect}: what a dataset holds and how long its texts are in tokens. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Look at a dataset.",
    subcommands = DataCommand.Inspect.class)
final class DataCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "inspect", mixinStandardHelpOptions = true,
      description = "Rows per split and label, token-length percentiles and histogram, truncation at --max-length.")
  static final class Inspect implements Callable<Integer> {
    @Mixin Main.Common common;
    @Mixin DataArgs data;
    @Spec CommandSpec spec;

    @Option(names = "--model", defaultValue = "minilm", paramLabel = "M", description = "Whose tokenizer counts tokens (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--max-length", paramLabel = "N", description = "Count texts longer than N tokens (default: the model's maximum).")
    Integer maxLength;

    @Override
    public Integer call() {
      TextDataset dataset = Datasets.load(data.options());
      Path dir = ModelArg.resolve(model);
      ModelConfig config = AutoModel.config(dir);
      int limit = maxLength != null ? maxLength : AutoModel.tokenizer(dir, config).maxLength();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("dataset %s: labels %s%n", dataset.name(), dataset.labels().names());
      try (Tokenizer tokenizer = Tokenizer.untruncated(dir, 0)) {
        for (Split split : dataset.splits().values()) {
          int[] lengths = TokenizedSplit.of(split, tokenizer).lengths();
          print(out, DataStats.of(split, dataset.labels().count(), lengths, limit), dataset);
        }
      }
      return 0;
    }

    private static void print(PrintWriter out, DataStats s, TextDataset dataset) {
      out.printf("%n%s: %,d rows, sha256 %s%n", s.split(), s.rows(), s.fingerprint());
      for (int l = 0; l < s.labelCounts().length; l++) {
        out.printf("  label %d %-12s %,7d  (%.1f%%)%n", l, dataset.labels().name(l), s.labelCounts()[l],
            100.0 * s.labelCounts()[l] / Math.max(1, s.rows()));
      }
      out.printf("  tokens: p50 %d, p90 %d, p95 %d, p99 %d, max %d; %d texts (%.2f%%) longer than %d%n",
          s.lengthPercentiles()[0], s.lengthPercentiles()[1], s.lengthPercentiles()[2], s.lengthPercentiles()[3],
          s.maxLength(), s.truncated(), 100.0 * s.truncated() / Math.max(1, s.rows()), s.truncatedAt());
      int most = s.histogram().values().stream().mapToInt(Integer::intValue).max().orElse(1);
      for (Map.Entry<String, Integer> bucket : s.histogram().entrySet()) {
        out.printf("  %9s %6d %s%n", bucket.getKey(), bucket.getValue(), "#".repeat((int) Math.round(40.0 * bucket.getValue() / Math.max(1, most))));
      }
    }
  }
}
