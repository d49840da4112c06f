package dev.tunekit.cli;

import dev.tunekit.TunekitException;
import dev.tunekit.tensors.OutOfMemory;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code tunekit} command line: each subcommand is a few lines over the library API. */
@Command(name = "tunekit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Adapt HuggingFace transformer encoders to text classification: frozen features + SVM, "
        + "full fine-tuning, LoRA.",
    subcommands = {LabCommand.class, SvmCommand.class, FinetuneCommand.class, LoraCommand.class, PredictCommand.class,
        MergeCommand.class, EmbedCommand.class, FeaturesCommand.class, DataCommand.class, ModelsCommand.class,
        BenchCommand.class})
public final class Main implements Runnable {
  /** Options every command shares. */
  public static final class Common {
    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
        description = "CPU threads for tensor work (default: all cores).")
    public int threads;
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI and returns its exit code: 0 done, 1 a user error, 2 a bad command line. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler((ex, a) -> {
      CommandLine where = ex.getCommandLine();
      String command = where.getCommandName();
      err.println("tunekit: " + describe(ex) + "; see 'tunekit "
          + (command.equals("tunekit") ? "" : command + " ") + "--help'");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof TunekitException) {
        err.println("tunekit: error: " + ex.getMessage());
        return 1;
      }
      if (OutOfMemory.is(ex)) {
        err.println("tunekit: error: " + outOfMemory(ex).getMessage());
        return 1;
      }
      if (System.getenv("TUNEKIT_DEBUG") != null) {
        ex.printStackTrace(err);
      }
      err.println("tunekit: internal error: " + ex + " (a bug in tunekit; rerun with TUNEKIT_DEBUG=1 for the stack trace)");
      return 3;
    });
    int code = 1;
    try {
      code = cli.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands only Exceptions to the handler above; the JVM's Error comes out here.
      err.println("tunekit: error: " + outOfMemory(e).getMessage());
    } finally {
      OutputFolder.finish(code != 0);
    }
    return code;
  }

  private static TunekitException outOfMemory(Throwable e) {
    return OutOfMemory.explain(e, "", "use a smaller --batch-size or --max-length, or a smaller model");
  }

  /** A bad command line in one phrase; an unknown option wins over a missing one (it is the cause). */
  private static String describe(CommandLine.ParameterException ex) {
    CommandLine where = ex.getCommandLine();
    List<String> unmatched = where.getParseResult() == null ? List.of() : where.getParseResult().unmatched();
    if (!unmatched.isEmpty() && !(ex instanceof CommandLine.UnmatchedArgumentException)) {
      String arg = unmatched.get(0);
      String guess = closestOption(where, arg);
      return "unknown option '" + arg + "'" + (guess == null ? "" : " (did you mean " + guess + "?)");
    }
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      String guess = closestOption(where, arg);
      return "unknown option '" + arg + "'" + (guess == null ? "" : " (did you mean " + guess + "?)");
    }
    return ex.getMessage();
  }

  private static String closestOption(CommandLine where, String arg) {
    String best = null;
    int bestDistance = 3;
    for (var option : where.getCommandSpec().options()) {
      for (String name : option.names()) {
        int d = editDistance(name, arg);
        if (d < bestDistance) {
          bestDistance = d;
          best = name;
        }
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitute, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"tunekit " + (v == null ? "(development build)" : v)};
    }
  }
}
