package dev.tunekit.cli;

import dev.tunekit.TunekitException;
import dev.tunekit.data.DataOptions;
import picocli.CommandLine.Option;

/** The dataset options every data-reading command shares. */
final class DataArgs {
  @Option(names = "--data", required = true, paramLabel = "D",
      description = "A folder of train/validation/test files (.jsonl .csv .tsv .parquet), one file "
          + "(split with --split-ratios), or a dataset name: TUNEKIT_DATA/<name>, else a Hub dataset "
          + "(rotten_tomatoes, org/name[@revision]) from the HF cache or the Hub.")
  String data;

  @Option(names = "--text-column", defaultValue = "text", paramLabel = "NAME", description = "Default: ${DEFAULT-VALUE}.")
  String textColumn;

  @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME", description = "Default: ${DEFAULT-VALUE}.")
  String labelColumn;

  @Option(names = "--split-ratios", split = ",", paramLabel = "TRAIN,VAL,TEST",
      description = "For a single file: fractions of train, validation, test (default 0.8,0.1,0.1).")
  double[] splitRatios;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed for shuffles and splits (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--skip-bad-rows", description = "Skip rows with a bad text or label (and list them) instead of stopping.")
  boolean skipBadRows;

  DataOptions options() {
    if (splitRatios != null && splitRatios.length != 3) {
      throw new TunekitException("--split-ratios takes three fractions, such as 0.8,0.1,0.1");
    }
    return new DataOptions(data, textColumn, labelColumn, splitRatios, seed, skipBadRows);
  }
}
