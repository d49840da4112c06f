package dev.tunekit.cli;

import dev.tunekit.TunekitException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code tunekit} command line: each subcommand is a few lines over the library API. */
@Command(name = "tunekit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Adapt HuggingFace transformer encoders to text classification: frozen features + SVM, "
        + "full fine-tuning, LoRA.",
    subcommands = {EmbedCommand.class, BenchCommand.class})
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
      String command = ex.getCommandLine().getCommandName();
      err.println("tunekit: " + ex.getMessage() + "; see 'tunekit "
          + (command.equals("tunekit") ? "" : command + " ") + "--help'");
      return 2;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof TunekitException) {
        err.println("tunekit: error: " + ex.getMessage());
        return 1;
      }
      if (System.getenv("TUNEKIT_DEBUG") != null) {
        ex.printStackTrace(err);
      }
      err.println("tunekit: internal error: " + ex + " (a bug in tunekit; rerun with TUNEKIT_DEBUG=1 for the stack trace)");
      return 3;
    });
    return cli.execute(args);
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
