package dev.tunekit.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Benchmark inputs: the DistilBERT-base shape and batches with Rotten-Tomatoes-like lengths. */
public final class Shapes {
  private Shapes() {}

  /** distilbert-base-uncased: vocab 30522, dim 768, 6 layers, 12 heads, FFN 3072, 2 labels. */
  public static ModelConfig distilbertBase() {
    ObjectNode json = ModelConfig.JSON.createObjectNode();
    json.put("model_type", "distilbert");
    json.put("vocab_size", 30522);
    json.put("dim", 768);
    json.put("n_layers", 6);
    json.put("n_heads", 12);
    json.put("hidden_dim", 3072);
    json.put("max_position_embeddings", 512);
    return ModelConfig.parse(json, Path.of("<distilbert-base-uncased shape>"));
  }

  /**
   * The shape to benchmark: a model folder's or a config.json file's config, or the
   * DistilBERT-base shape when {@code spec} is null.
   */
  public static ModelConfig config(Path spec) {
    if (spec == null) {
      return distilbertBase();
    }
    if (java.nio.file.Files.isRegularFile(spec)) {
      return ModelConfig.read(spec.toAbsolutePath().getParent() == null ? Path.of(".") : spec.toAbsolutePath().getParent());
    }
    return ModelConfig.read(spec);
  }

  /**
   * Batches of real token ids: {@code count} batches drawn (seeded) from {@code rows}, e.g. the
   * tokenized Rotten Tomatoes train split, so padding is what real data gives.
   */
  public static List<List<long[]>> sampledBatches(List<long[]> rows, int count, int batchSize, long seed) {
    Random rng = new Random(seed);
    List<List<long[]>> batches = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      List<long[]> batch = new ArrayList<>();
      for (int i = 0; i < batchSize; i++) {
        batch.add(rows.get(rng.nextInt(rows.size())));
      }
      batches.add(batch);
    }
    return batches;
  }

  /**
   * Token-id batches as the PyTorch reference's "dyn" setting makes them: lengths
   * round(N(27, 12)) clipped to [3, 70], [CLS] ... [SEP], random ids, each batch padded to its
   * longest.
   */
  public static List<List<long[]>> rtLikeBatches(int count, int batchSize, long seed) {
    return rtLikeBatches(count, batchSize, seed, 70);
  }

  /** As above, lengths also clipped to {@code maxLength} (a model with fewer positions). */
  public static List<List<long[]>> rtLikeBatches(int count, int batchSize, long seed, int maxLength) {
    Random rng = new Random(seed);
    List<List<long[]>> batches = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      List<long[]> batch = new ArrayList<>();
      for (int i = 0; i < batchSize; i++) {
        int length = (int) Math.max(3, Math.min(Math.min(70, maxLength), Math.round(27 + 12 * rng.nextGaussian())));
        long[] ids = new long[length];
        for (int j = 0; j < length; j++) {
          ids[j] = 1000 + rng.nextInt(29000);
        }
        ids[0] = 101;
        ids[length - 1] = 102;
        batch.add(ids);
      }
      batches.add(batch);
    }
    return batches;
  }

  /**
   * The sequences of {@code pool} regrouped as a length-grouped sampler batches one mega-batch
   * (HF's {@code group_by_length}, tunekit's {@code --group-by-length}): sorted by length and cut
   * into batches, so each pads little. Returns {@code count} of them evenly spaced from the
   * longest to the shortest, so the timed set spans the whole length range of an epoch.
   */
  public static List<List<long[]>> lengthGrouped(List<List<long[]>> pool, int count, int batchSize) {
    List<long[]> rows = new ArrayList<>();
    pool.forEach(rows::addAll);
    rows.sort((a, b) -> b.length - a.length);
    List<List<long[]>> sorted = new ArrayList<>();
    for (int start = 0; start + batchSize <= rows.size(); start += batchSize) {
      sorted.add(rows.subList(start, start + batchSize));
    }
    List<List<long[]>> picked = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      picked.add(sorted.get(count == 1 ? sorted.size() / 2 : (int) Math.round(k * (sorted.size() - 1.0) / (count - 1))));
    }
    return picked;
  }
}
