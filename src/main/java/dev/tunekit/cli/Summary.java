package dev.tunekit.cli;

import dev.tunekit.model.Labels;
import dev.tunekit.train.EvalResult;
import dev.tunekit.train.TrainResult;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The closing lines of a training command: scores, confusion matrix, cost, where things went. */
final class Summary {
  private Summary() {}

  static void print(PrintWriter out, TrainResult t, EvalResult validation, EvalResult test, Labels labels, Path dir) {
    out.printf("%nvalidation: accuracy %.4f, F1 %.4f | test: accuracy %.4f, F1 %.4f%n",
        validation.accuracy(), validation.f1(), test.accuracy(), test.f1());
    confusion(out, test, labels);
    out.printf("trainable parameters %,d; %d steps in %.1f s (%.1f samples/s); peak RSS %.0f MB%n",
        t.trainableParams(), t.optimizerSteps(), t.wallSeconds(), t.samplesPerSecond(), t.peakRssMb());
    if (dir != null) {
      out.printf("saved to %s (metrics.json, trainer_log.jsonl, checkpoints/)%n", dir);
    }
    out.flush();
  }

  static void confusion(PrintWriter out, EvalResult r, Labels labels) {
    out.printf("confusion matrix (%s; rows: true, columns: predicted)%n", r.split());
    out.printf("  %12s", "");
    for (String name : labels.names()) {
      out.printf(" %8s", name);
    }
    out.println();
    for (int i = 0; i < r.confusion().length; i++) {
      out.printf("  %12s", labels.name(i));
      for (int c : r.confusion()[i]) {
        out.printf(" %8d", c);
      }
      out.println();
    }
  }
}
