package dev.tunekit.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.AtomicFile;
import dev.tunekit.train.EpochMetrics;
import dev.tunekit.train.EvalResult;
import dev.tunekit.train.TrainResult;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code metrics.json} of a run: the scores, what the run cost, and its provenance (model,
 * dataset fingerprints, settings, versions), so every number can be traced to what made it.
 */
public final class RunMetrics {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final ObjectNode root = JSON.createObjectNode();

  public RunMetrics(String method, String model, String dataset) {
    root.put("method", method);
    root.put("model", model);
    root.put("dataset", dataset);
    ObjectNode versions = root.putObject("versions");
    String v = RunMetrics.class.getPackage().getImplementationVersion();
    versions.put("tunekit", v == null ? "development" : v);
    versions.put("libtorch", "2.10.0 (org.bytedeco:pytorch:2.10.0-1.5.13)");
    versions.put("java", System.getProperty("java.version"));
    root.putObject("machine").put("cores", Runtime.getRuntime().availableProcessors())
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }

  public ObjectNode root() {
    return root;
  }

  public ObjectNode settings() {
    return root.has("settings") ? (ObjectNode) root.get("settings") : root.putObject("settings");
  }

  public RunMetrics split(String name, EvalResult r) {
    ObjectNode s = root.putObject(name);
    s.put("accuracy", r.accuracy());
    s.put("f1", r.f1());
    if (!Double.isNaN(r.loss())) {
      s.put("loss", r.loss());
    }
    ArrayNode confusion = s.putArray("confusion_matrix");
    for (int[] row : r.confusion()) {
      ArrayNode a = confusion.addArray();
      for (int c : row) {
        a.add(c);
      }
    }
    return this;
  }

  public RunMetrics training(TrainResult t) {
    root.put("trainable_params", t.trainableParams());
    root.put("wall_seconds", t.wallSeconds());
    root.put("samples_per_second", t.samplesPerSecond());
    root.put("peak_rss_mb", t.peakRssMb());
    root.put("optimizer_steps", t.optimizerSteps());
    root.put("stopped_early", t.stoppedEarly());
    epochs(t.epochs());
    return this;
  }

  public RunMetrics epochs(List<EpochMetrics> epochs) {
    ArrayNode a = root.putArray("epochs");
    for (EpochMetrics m : epochs) {
      ObjectNode e = a.addObject();
      e.put("epoch", m.epoch());
      e.put("step", m.step());
      if (!Double.isNaN(m.trainLoss())) {
        e.put("train_loss", m.trainLoss());
      }
      e.put("val_loss", m.valLoss());
      e.put("accuracy", m.accuracy());
      e.put("f1", m.f1());
    }
    return this;
  }

  public void write(Path file) {
    AtomicFile.writeText(file, w -> w.write(JSON.writeValueAsString(root) + "\n"));
  }
}
