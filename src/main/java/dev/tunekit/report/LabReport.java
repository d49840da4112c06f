package dev.tunekit.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunekit.AtomicFile;
import dev.tunekit.data.TextDataset;
import dev.tunekit.pipeline.MethodResult;
import dev.tunekit.train.EpochMetrics;
import dev.tunekit.train.EvalResult;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The lab's outputs: the comparison table, report.md with its plots, and metrics.json. */
public final class LabReport {
  private LabReport() {}

  /** The comparison table (Markdown, also readable as plain text). */
  public static String comparison(List<MethodResult> methods) {
    StringBuilder b = new StringBuilder();
    b.append("| method | val accuracy | test accuracy | test F1 | trainable params | wall time | samples/s | peak memory |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (MethodResult m : methods) {
      b.append(String.format("| %s | %.4f | %.4f | %.4f | %,d | %s | %.1f | %,.0f MB |%n", m.method(), m.validation().accuracy(),
          m.test().accuracy(), m.test().f1(), m.trainableParams(), ProgressBar.clock(m.wallSeconds()), m.samplesPerSecond(),
          m.peakRssMb()));
    }
    return b.toString();
  }

  /** One method's per-epoch table, HF's columns. */
  public static String epochs(List<EpochMetrics> rows) {
    StringBuilder b = new StringBuilder("| Epoch | Training Loss | Validation Loss | Accuracy | F1 |\n|---:|---:|---:|---:|---:|\n");
    for (EpochMetrics e : rows) {
      b.append(String.format("| %s | %.4f | %.4f | %.4f | %.4f |%n", e.epoch() == Math.rint(e.epoch())
          ? Integer.toString((int) e.epoch()) : String.format("%.2f", e.epoch()), e.trainLoss(), e.valLoss(), e.accuracy(), e.f1()));
    }
    return b.toString();
  }

  /** Writes report.md, the PNG plots and metrics.json into {@code dir}. */
  public static void write(Path dir, String modelName, TextDataset dataset, List<MethodResult> methods,
      Map<String, String> settings, double totalSeconds) {
    Charts.loss(methods, dir.resolve("loss.png"));
    Charts.accuracy(methods, dir.resolve("accuracy.png"));
    Charts.methods(methods, dir.resolve("methods.png"));
    for (MethodResult m : methods) {
      Charts.confusion(m, dataset.labels(), dir.resolve("confusion_" + m.method() + ".png"));
    }
    writeMetrics(dir.resolve("metrics.json"), modelName, dataset, methods, settings, totalSeconds);
    StringBuilder md = new StringBuilder();
    md.append("# tunekit lab: ").append(modelName).append(" on ").append(dataset.name()).append("\n\n");
    md.append(String.format("Run %s; %s in all.%n%n", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
        ProgressBar.clock(totalSeconds)));
    MethodResult best = methods.stream().max(Comparator.comparingDouble(m -> m.test().accuracy())).orElseThrow();
    md.append(String.format("**Best test accuracy: %s (%.4f).**%n%n", best.title(), best.test().accuracy()));
    md.append("## Comparison\n\n").append(comparison(methods)).append('\n');
    md.append("![accuracy by method](methods.png)\n\n");
    for (MethodResult m : methods) {
      md.append("## ").append(m.title()).append(" (`").append(m.method()).append("`)\n\n");
      md.append(m.note()).append(". Artifacts: `").append(dir.relativize(m.artifacts())).append("/`.\n\n");
      if (!m.epochs().isEmpty()) {
        md.append(epochs(m.epochs())).append('\n');
      }
      md.append(String.format("Validation: accuracy %.4f, F1 %.4f. Test: accuracy %.4f, F1 %.4f.%n%n",
          m.validation().accuracy(), m.validation().f1(), m.test().accuracy(), m.test().f1()));
      md.append("![").append(m.method()).append(" confusion matrix](confusion_").append(m.method()).append(".png)\n\n");
    }
    md.append("## Curves\n\n![loss per epoch](loss.png)\n\n![validation accuracy per epoch](accuracy.png)\n\n");
    md.append("## Data\n\n| split | rows | sha256 |\n|---|---:|---|\n");
    dataset.splits().forEach((name, s) -> md.append(String.format("| %s | %,d | `%s` |%n", name, s.size(), s.fingerprint())));
    md.append("\nLabels: ").append(String.join(", ", dataset.labels().names())).append(".\n\n");
    md.append("## Settings\n\n");
    settings.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    md.append("\n## Machine and versions\n\n");
    Machine.describe().forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
    AtomicFile.writeText(dir.resolve("report.md"), w -> w.write(md.toString()));
  }

  private static void writeMetrics(Path file, String modelName, TextDataset dataset, List<MethodResult> methods,
      Map<String, String> settings, double totalSeconds) {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("model", modelName);
    root.put("dataset", dataset.name());
    root.put("wall_seconds", totalSeconds);
    ObjectNode fp = root.putObject("dataset_fingerprints");
    dataset.splits().forEach((n, s) -> fp.put(n, s.fingerprint()));
    ObjectNode set = root.putObject("settings");
    settings.forEach(set::put);
    ObjectNode machine = root.putObject("machine");
    Machine.describe().forEach(machine::put);
    ObjectNode all = root.putObject("methods");
    for (MethodResult m : methods) {
      ObjectNode o = all.putObject(m.method());
      o.put("title", m.title());
      scores(o.putObject("validation"), m.validation());
      scores(o.putObject("test"), m.test());
      o.put("trainable_params", m.trainableParams());
      o.put("wall_seconds", m.wallSeconds());
      o.put("samples_per_second", m.samplesPerSecond());
      o.put("peak_rss_mb", m.peakRssMb());
      o.put("note", m.note());
      if (!m.epochs().isEmpty()) {
        ArrayNode e = o.putArray("epochs");
        for (EpochMetrics r : m.epochs()) {
          e.addObject().put("epoch", r.epoch()).put("train_loss", r.trainLoss()).put("val_loss", r.valLoss())
              .put("accuracy", r.accuracy()).put("f1", r.f1());
        }
      }
    }
    AtomicFile.writeText(file, w -> w.write(json.writeValueAsString(root) + "\n"));
  }

  private static void scores(ObjectNode o, EvalResult r) {
    o.put("accuracy", r.accuracy());
    o.put("f1", r.f1());
    if (!Double.isNaN(r.loss())) {
      o.put("loss", r.loss());
    }
    ArrayNode cm = o.putArray("confusion_matrix");
    for (int[] row : r.confusion()) {
      ArrayNode a = cm.addArray();
      for (int v : row) {
        a.add(v);
      }
    }
  }

}
