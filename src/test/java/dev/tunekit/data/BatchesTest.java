package dev.tunekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.Fixtures;
import dev.tunekit.model.AutoModel;
import dev.tunekit.tensors.SafeTensorsWriter;
import dev.tunekit.tokenize.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchesTest {
  @TempDir Path tmp;

  static int[] randomLengths(int n) {
    Random r = new Random(3);
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      l[i] = 3 + r.nextInt(70);
    }
    return l;
  }

  static int[] flatten(List<int[]> batches) {
    return batches.stream().flatMapToInt(Arrays::stream).toArray();
  }

  @Test
  void trainingOrderIsSeededPerEpochAndCoversEveryRowOnce() {
    int[] lengths = randomLengths(1000);
    List<int[]> e0 = Batches.training(lengths, 16, 42, 0, false);
    assertArrayEquals(flatten(e0), flatten(Batches.training(lengths, 16, 42, 0, false)), "rerun: same order");
    assertFalse(Arrays.equals(flatten(e0), flatten(Batches.training(lengths, 16, 42, 1, false))), "next epoch: new order");
    int[] sorted = flatten(e0).clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
    assertEquals(63, e0.size());
    assertEquals(1000 - 62 * 16, e0.get(62).length);
  }

  @Test
  void lengthGroupingSortsEachMegabatchAndPadsLess() {
    int[] lengths = randomLengths(2000);
    List<int[]> grouped = Batches.training(lengths, 16, 42, 0, true);
    int[] order = flatten(grouped);
    int mega = 16 * Batches.MEGABATCH_BATCHES;
    for (int start = 0; start < order.length; start += mega) {
      for (int i = start + 1; i < Math.min(order.length, start + mega); i++) {
        assertTrue(lengths[order[i - 1]] >= lengths[order[i]], "sorted inside a megabatch");
      }
    }
    assertTrue(padded(grouped, lengths) < padded(Batches.training(lengths, 16, 42, 0, false), lengths));
  }

  static long padded(List<int[]> batches, int[] lengths) {
    long total = 0;
    for (int[] b : batches) {
      int max = Arrays.stream(b).map(i -> lengths[i]).max().orElse(0);
      total += (long) max * b.length;
    }
    return total;
  }

  @Test
  void evaluationBatchesAreLongestFirst() {
    int[] lengths = {5, 9, 2, 7, 9};
    List<int[]> batches = Batches.evaluation(lengths, 2);
    int[] order = flatten(batches);
    for (int i = 1; i < order.length; i++) {
      assertTrue(lengths[order[i - 1]] >= lengths[order[i]]);
    }
    assertEquals(3, batches.size());
  }

  @Test
  void tokenCacheHitNeedsNoTokenizerAndKeysOnMaxLength() {
    Path model = Fixtures.fixture("tiny-distilbert").resolve("model");
    var inputs = Fixtures.json(Fixtures.fixture("tiny-distilbert").resolve("expected.json")).get("inputs");
    String text = inputs.get("texts").get(3).asText();
    long[] want = new long[inputs.get("lengths").get(3).asInt()];
    for (int j = 0; j < want.length; j++) {
      want[j] = inputs.get("input_ids").get(3).get(j).asLong();
    }
    Split split = new Split("train", List.of(text), new int[] {0});
    TokenCache cache = new TokenCache(tmp.resolve("cache"));
    Tokenizer tokenizer = AutoModel.tokenizer(model, AutoModel.config(model));
    assertArrayEquals(want, cache.tokenize(split, tokenizer).ids().get(0), "the fixture's ids");
    Tokenizer shorter = tokenizer.withMaxLength(model, 3);
    tokenizer.close(); // a cache hit must not touch the tokenizer
    assertArrayEquals(want, cache.tokenize(split, tokenizer).ids().get(0), "served from the cache");
    assertEquals(3, cache.tokenize(split, shorter).ids().get(0).length, "another max length misses the cache");
    assertTrue(Files.isDirectory(tmp.resolve("cache")));
  }

  @Test
  void damagedTokenCacheIsTokenizedAgainNotIndexedOutOfBounds() {
    // Offsets that go backwards used to reach Arrays.copyOfRange and escape as IllegalArgumentException.
    Path model = Fixtures.fixture("tiny-distilbert").resolve("model");
    Split split = new Split("train", List.of("a great movie", "dull"), new int[] {1, 0});
    TokenCache cache = new TokenCache(tmp.resolve("cache"));
    try (Tokenizer tokenizer = AutoModel.tokenizer(model, AutoModel.config(model))) {
      List<long[]> fresh = cache.tokenize(split, tokenizer).ids();
      Path file = tmp.resolve("cache").resolve(TokenCache.key(split, tokenizer) + ".safetensors");
      int total = fresh.get(0).length + fresh.get(1).length;
      SafeTensorsWriter.write(file, Map.of("ids", Tensor.create(new long[total], total),
          "offsets", Tensor.create(new long[] {0, total + 5, total}, 3)), Map.of());
      List<long[]> again = cache.tokenize(split, tokenizer).ids();
      assertArrayEquals(fresh.get(0), again.get(0));
      assertArrayEquals(fresh.get(1), again.get(1));
    }
  }
}
