package dev.tunekit.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** What is usable without the network: the HF cache's model snapshots and the embedded model. */
public final class LocalModels {
  /**
   * One snapshot in the HF cache.
   *
   * @param refs the branches and tags that point at it (empty when only its hash does)
   * @param bytes the size of its files (links followed)
   * @param missing the files tunekit needs that it lacks (empty: ready to use)
   */
  public record Snapshot(String repoId, String commit, List<String> refs, long bytes, List<String> missing) {}

  /** The embedded model: its folder, whether it is built, and its size once it is. */
  public record Embedded(String name, String source, Path folder, boolean prepared, long bytes) {}

  private LocalModels() {}

  /** Every model snapshot in {@code hubCache}, by repo id then commit. */
  public static List<Snapshot> hubSnapshots(Path hubCache) {
    List<Snapshot> out = new ArrayList<>();
    for (Path repo : list(hubCache)) {
      String name = repo.getFileName().toString();
      if (!name.startsWith("models--") || !Files.isDirectory(repo)) {
        continue;
      }
      String id = name.substring("models--".length()).replace("--", "/");
      List<Path> refs = files(repo.resolve("refs"));
      for (Path snapshot : list(repo.resolve("snapshots"))) {
        String commit = snapshot.getFileName().toString();
        List<String> pointing = refs.stream().filter(r -> commit.equals(read(r)))
            .map(r -> repo.resolve("refs").relativize(r).toString()).sorted().toList();
        long bytes = files(snapshot).stream().mapToLong(HubCache::size).sum();
        List<String> missing = HubSnapshots.REQUIRED.stream()
            .filter(f -> HubCache.entry(snapshot.resolve(f)) != HubCache.Entry.PRESENT).toList();
        out.add(new Snapshot(id, commit, pointing, bytes, missing));
      }
    }
    return out;
  }

  public static Embedded embedded(Path tunekitCache) {
    EmbeddedMiniLm minilm = new EmbeddedMiniLm(tunekitCache);
    Path folder = minilm.folder();
    boolean prepared = minilm.prepared();
    long bytes = prepared ? files(folder).stream().mapToLong(HubCache::size).sum() : 0;
    return new Embedded(EmbeddedMiniLm.NAME, EmbeddedMiniLm.source(), folder, prepared, bytes);
  }

  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted(Comparator.comparing(Path::toString)).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Every file (or link) below {@code dir}. */
  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !Files.isDirectory(p)).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String read(Path ref) {
    try {
      return Files.readString(ref).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
