package dev.tunekit.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Which rows go into which batch. Training: a seeded shuffle per epoch (the same seed and epoch
 * always give the same order), optionally grouped by length as HF's LengthGroupedSampler does:
 * shuffle, cut into mega-batches of 50 batches, sort each by length (longest first), so batches
 * pad little while staying random. Evaluation: sorted by length; callers put predictions back
 * with the indices each batch carries.
 */
public final class Batches {
  /** HF's megabatch_mult. */
  static final int MEGABATCH_BATCHES = 50;

  private Batches() {}

  /** Row indices of each training batch of one epoch. */
  public static List<int[]> training(int[] lengths, int batchSize, long seed, int epoch, boolean groupByLength) {
    int[] order = permutation(lengths.length, new Random(seed * 1_000_003L + epoch));
    if (groupByLength) {
      int mega = batchSize * MEGABATCH_BATCHES;
      for (int start = 0; start < order.length; start += mega) {
        int end = Math.min(order.length, start + mega);
        Integer[] chunk = IntStream.range(start, end).mapToObj(i -> order[i]).toArray(Integer[]::new);
        Arrays.sort(chunk, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
        for (int i = start; i < end; i++) {
          order[i] = chunk[i - start];
        }
      }
    }
    return chunk(order, batchSize);
  }

  /** Row indices of each evaluation batch: longest first, so padding is minimal. */
  public static List<int[]> evaluation(int[] lengths, int batchSize) {
    int[] order = IntStream.range(0, lengths.length).boxed()
        .sorted(Comparator.comparingInt((Integer i) -> lengths[i]).reversed())
        .mapToInt(Integer::intValue).toArray();
    return chunk(order, batchSize);
  }

  /** A seeded Fisher-Yates permutation of 0..n-1. */
  public static int[] permutation(int n, Random random) {
    int[] p = IntStream.range(0, n).toArray();
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static List<int[]> chunk(int[] order, int batchSize) {
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < order.length; start += batchSize) {
      batches.add(Arrays.copyOfRange(order, start, Math.min(order.length, start + batchSize)));
    }
    return batches;
  }
}
