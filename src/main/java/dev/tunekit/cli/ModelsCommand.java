package dev.tunekit.cli;

import dev.tunekit.Log;
import dev.tunekit.hub.HubSettings;
import dev.tunekit.hub.LocalModels;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tunekit models}: what {@code --model} can load without the network, with sizes. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List the models available locally: the HF cache (shared with Python) and the embedded default.")
final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    HubSettings settings = HubSettings.fromEnvironment();
    PrintWriter out = spec.commandLine().getOut();
    List<LocalModels.Snapshot> snapshots = LocalModels.hubSnapshots(settings.hubCache());
    out.println("HF cache " + settings.hubCache() + (snapshots.isEmpty() ? ": no models" : ""));
    if (!snapshots.isEmpty()) {
      int width = Math.max(5, snapshots.stream().mapToInt(s -> s.repoId().length()).max().orElse(0));
      out.printf(Locale.ROOT, "  %-" + width + "s  %-12s  %-12s  %9s%n", "MODEL", "REVISION", "COMMIT", "SIZE");
      for (LocalModels.Snapshot s : snapshots) {
        String refs = s.refs().isEmpty() ? "-" : String.join(",", s.refs());
        String note = s.missing().isEmpty() ? "" : "  incomplete: no " + String.join(", ", s.missing());
        out.printf(Locale.ROOT, "  %-" + width + "s  %-12s  %-12s  %9s%s%n", s.repoId(), refs,
            s.commit().substring(0, Math.min(12, s.commit().length())), Log.size(s.bytes()), note);
      }
    }
    LocalModels.Embedded e = LocalModels.embedded(settings.tunekitCache());
    out.println("embedded");
    out.printf(Locale.ROOT, "  %s  all-MiniLM-L6-v2 from %s: %s%n", e.name(), e.source(),
        e.prepared() ? "ready, " + Log.size(e.bytes()) + " in " + e.folder() : "prepared on first use in " + e.folder());
    return 0;
  }
}
