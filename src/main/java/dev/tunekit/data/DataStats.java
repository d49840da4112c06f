package dev.tunekit.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code tunekit data inspect} reports about one split. */
public record DataStats(String split, int rows, int[] labelCounts, int[] lengthPercentiles,
    int maxLength, int truncatedAt, int truncated, String fingerprint, Map<String, Integer> histogram) {

  /** Percentiles reported: 50, 90, 95, 99. */
  public static final int[] PERCENTILES = {50, 90, 95, 99};

  /** Statistics of {@code split} whose untruncated token lengths are {@code lengths}. */
  public static DataStats of(Split split, int numLabels, int[] lengths, int truncateAt) {
    int[] sorted = lengths.clone();
    Arrays.sort(sorted);
    int[] p = new int[PERCENTILES.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(PERCENTILES[i] / 100.0 * sorted.length) - 1)];
    }
    int over = 0;
    for (int l : lengths) {
      if (l > truncateAt) {
        over++;
      }
    }
    int max = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    return new DataStats(split.name(), split.size(), split.labelCounts(numLabels), p, max, truncateAt, over,
        split.fingerprint(), histogram(lengths, max));
  }

  /** Counts in 8 equal-width buckets of token length. */
  private static Map<String, Integer> histogram(int[] lengths, int max) {
    int buckets = 8;
    int width = Math.max(1, (max + buckets) / buckets);
    int[] counts = new int[buckets];
    for (int l : lengths) {
      counts[Math.min(buckets - 1, l / width)]++;
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int b = 0; b < buckets; b++) {
      out.put((b * width) + "-" + ((b + 1) * width - 1), counts[b]);
    }
    return out;
  }
}
