package dev.tunekit.report;

import dev.tunekit.train.EpochMetrics;
import java.io.PrintWriter;

/** The per-epoch table HF's Trainer shows in notebooks, as plain text. */
public final class TrainingTable {
  private final PrintWriter out;
  private boolean headerDone;

  public TrainingTable(PrintWriter out) {
    this.out = out;
  }

  public void row(EpochMetrics m) {
    if (!headerDone) {
      out.println("| Epoch | Step | Training Loss | Validation Loss | Accuracy |     F1 |");
      out.println("|------:|-----:|--------------:|----------------:|---------:|-------:|");
      headerDone = true;
    }
    String epoch = m.epoch() == Math.rint(m.epoch()) ? String.format("%d", (long) m.epoch()) : String.format("%.2f", m.epoch());
    out.printf("| %5s | %4d | %13s | %15.4f | %8.4f | %6.4f |%n", epoch, m.step(),
        Double.isNaN(m.trainLoss()) ? "-" : String.format("%.4f", m.trainLoss()), m.valLoss(), m.accuracy(), m.f1());
    out.flush();
  }
}
