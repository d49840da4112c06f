package dev.tunekit.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tunekit.AtomicFile;
import dev.tunekit.TunekitException;
import dev.tunekit.tensors.SafeTensors;
import dev.tunekit.tensors.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Checkpoints under {@code <output>/checkpoints/checkpoint-<step>}: trainable weights, optimizer
 * moments, the dropout RNG and the trainer state. Each is written in a temporary folder and
 * renamed into place, and old ones are renamed away before they are deleted, so a run killed at
 * any moment leaves every {@code checkpoint-N} whole.
 */
public final class Checkpoints {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String STATE = "trainer_state.json";
  private static final String WEIGHTS = "model.safetensors";
  private static final String OPTIMIZER = "optimizer.safetensors";
  /** What a complete checkpoint holds. */
  static final List<String> FILES = List.of(WEIGHTS, OPTIMIZER, STATE);

  private final Path root;

  public Checkpoints(Path outputDir) {
    this.root = outputDir.resolve("checkpoints");
  }

  /** Writes a checkpoint for {@code state.globalStep} and returns its folder. */
  public Path save(TrainerState state, Map<String, Tensor> trainable, AdamW optimizer) {
    Path dir = root.resolve("checkpoint-" + state.globalStep);
    Path temp = root.resolve(".checkpoint-" + state.globalStep + ".tmp-" + System.nanoTime());
    try {
      Files.createDirectories(temp);
      SafeTensorsWriter.write(temp.resolve(WEIGHTS), detached(trainable), Map.of("format", "pt"));
      Map<String, Tensor> opt = new LinkedHashMap<>(optimizer.state());
      opt.put("rng_state", torch.getDefaultCPUGenerator().get_state());
      SafeTensorsWriter.write(temp.resolve(OPTIMIZER), opt, Map.of("steps", Long.toString(optimizer.steps())));
      AtomicFile.writeText(temp.resolve(STATE), w -> w.write(JSON.writeValueAsString(state)));
      if (Files.exists(dir)) {
        discard(dir);
      }
      Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      return dir;
    } catch (IOException | TunekitException e) {
      deleteQuietly(temp);
      String why = e instanceof IOException io ? AtomicFile.reason(io) : e.getMessage();
      throw new TunekitException(dir + ": cannot write the checkpoint (" + why + "); free some space, then run "
          + "again with --resume");
    } catch (RuntimeException e) {
      deleteQuietly(temp);
      throw e;
    }
  }

  private static Map<String, Tensor> detached(Map<String, Tensor> params) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    params.forEach((n, t) -> out.put(n, t.detach()));
    return out;
  }

  /** The newest complete checkpoint, or null. */
  public Path latest() {
    List<Path> all = list();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** Complete checkpoints, oldest first; folders of a run killed mid-write (hidden temp names) are removed. */
  public List<Path> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(root)) {
      List<Path> all = dirs.toList();
      all.stream().filter(d -> d.getFileName().toString().startsWith(".checkpoint-")).forEach(Checkpoints::deleteQuietly);
      return all.stream().filter(d -> d.getFileName().toString().matches("checkpoint-\\d{1,9}"))
          .filter(d -> FILES.stream().allMatch(f -> Files.isRegularFile(d.resolve(f))))
          .sorted(Comparator.comparingInt(d -> Integer.parseInt(d.getFileName().toString().substring(11))))
          .toList();
    } catch (IOException e) {
      throw new TunekitException(root + ": cannot list checkpoints (" + e.getMessage() + ")");
    }
  }

  /** Restores weights, optimizer and RNG from {@code dir}; returns its trainer state. */
  public TrainerState load(Path dir, Map<String, Tensor> trainable, AdamW optimizer) {
    TrainerState state;
    try {
      state = JSON.readValue(dir.resolve(STATE).toFile(), TrainerState.class);
    } catch (IOException e) {
      throw new TunekitException(dir.resolve(STATE) + ": unreadable (" + e.getMessage() + "); delete this checkpoint");
    }
    loadWeights(dir, trainable);
    try (SafeTensors opt = SafeTensors.open(dir.resolve(OPTIMIZER))) {
      Map<String, Tensor> saved = new LinkedHashMap<>();
      for (String name : opt.entries().keySet()) {
        saved.put(name, opt.tensor(name));
      }
      optimizer.load(saved, Long.parseLong(opt.metadata().getOrDefault("steps", "0")));
      torch.getDefaultCPUGenerator().set_state(saved.get("rng_state"));
    }
    return state;
  }

  /** Copies the checkpoint's weights into {@code trainable} (e.g. the best model at the end). */
  public static void loadWeights(Path dir, Map<String, Tensor> trainable) {
    try (SafeTensors weights = SafeTensors.open(dir.resolve(WEIGHTS));
        NoGradGuard noGrad = new NoGradGuard()) {
      for (Map.Entry<String, Tensor> p : trainable.entrySet()) {
        if (!weights.contains(p.getKey())) {
          throw new TunekitException(dir + ": checkpoint lacks '" + p.getKey() + "'; it belongs to another model");
        }
        p.getValue().copy_(weights.floatTensor(p.getKey()));
      }
    }
  }

  /** Deletes all but the newest {@code keep} checkpoints, never {@code protect} (the best). */
  public void rotate(int keep, String protect) {
    List<Path> all = new ArrayList<>(list());
    int excess = all.size() - Math.max(keep, 1);
    for (Path dir : all) {
      if (excess <= 0) {
        break;
      }
      if (dir.toString().equals(protect)) {
        continue;
      }
      try {
        discard(dir);
      } catch (IOException ignored) {
        // a checkpoint that stays is harmless
      }
      excess--;
    }
  }

  /**
   * Removes a checkpoint so that no moment shows it half deleted: it is renamed to a hidden name
   * first (one atomic step), then deleted; a kill in between leaves only a hidden folder behind.
   */
  private void discard(Path dir) throws IOException {
    Path doomed = root.resolve("." + dir.getFileName() + ".deleted-" + System.nanoTime());
    Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(doomed);
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      if (Files.exists(dir)) {
        deleteTree(dir);
      }
    } catch (IOException ignored) {
      // a leftover temp folder is ignored by list()
    }
  }
}
