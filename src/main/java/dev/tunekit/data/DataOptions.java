package dev.tunekit.data;

/**
 * How to find and read a dataset.
 *
 * @param spec a folder, a single file, or a dataset name / Hub id ("rotten_tomatoes")
 * @param textColumn the column holding the text (HF's default "text")
 * @param labelColumn the column holding the label (HF's default "label")
 * @param splitRatios train/validation/test fractions for a single file, or null for 0.8/0.1/0.1
 * @param seed the shuffle seed for a single file's split
 * @param skipBadRows skip rows with a bad text or label (and say which) instead of stopping
 */
public record DataOptions(String spec, String textColumn, String labelColumn, double[] splitRatios,
    long seed, boolean skipBadRows) {

  public static DataOptions of(String spec) {
    return new DataOptions(spec, "text", "label", null, 42, false);
  }

  public DataOptions withColumns(String text, String label) {
    return new DataOptions(spec, text, label, splitRatios, seed, skipBadRows);
  }

  public DataOptions withSplitRatios(double[] ratios, long seed) {
    return new DataOptions(spec, textColumn, labelColumn, ratios, seed, skipBadRows);
  }

  public DataOptions withSkipBadRows(boolean skip) {
    return new DataOptions(spec, textColumn, labelColumn, splitRatios, seed, skip);
  }
}
