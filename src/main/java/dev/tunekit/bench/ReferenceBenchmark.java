package dev.tunekit.bench;

import dev.tunekit.TunekitException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the PyTorch reference ({@code ../shared/reference/bench_distilbert.py}, Debian's
 * python3-torch) on the same shapes and settings, from a temporary copy (it writes its results
 * next to itself), and reads its samples/s per mode. It inherits tunekit's environment, the
 * launcher's settings included: they help it too (without them its bf16 fine-tuning measured 7.5
 * samples/s here, with them 12.6-22.9).
 */
public final class ReferenceBenchmark {
  private static final Pattern LINE = Pattern.compile("^dyn\\s+(\\S+)\\s+([0-9.]+) samples/s");

  private ReferenceBenchmark() {}

  /** The reference's mode name for tunekit's mode and precision. */
  public static String mode(String mode, String precision) {
    String p = precision.equals("bf16") ? "bf16ac" : "fp32";
    return switch (mode) {
      case "forward", "features" -> "infer_" + p;
      case "finetune" -> "ft_" + p;
      case "lora" -> "lora_" + p;
      default -> throw new TunekitException("no reference for mode " + mode);
    };
  }

  /** samples/s of each reference mode ("infer_fp32", ...), warm-up and steps as given. */
  public static Map<String, Double> run(Path shared, Iterable<String> modes, int warmup, int steps, int threads) {
    Path script = shared.resolve("reference/bench_distilbert.py");
    if (!Files.isRegularFile(script)) {
      throw new TunekitException(script + ": not found; --reference needs ../shared/reference (or TUNEKIT_SHARED)");
    }
    if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
      throw new TunekitException("/usr/bin/python3 not found; install the reference's packages: "
          + "apt-get install -y python3-torch python3-numpy");
    }
    try {
      Path copy = Files.createTempDirectory("tunekit-reference");
      try (Stream<Path> files = Files.list(shared.resolve("reference"))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".py")).toList()) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
      ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", copy.resolve("bench_distilbert.py").toString(),
          "--modes", String.join(",", modes), "--settings", "dyn", "--warmup", Integer.toString(warmup),
          "--steps", Integer.toString(steps), "--threads", Integer.toString(threads), "--tag", "tunekit")
          .redirectErrorStream(true);
      Process p = pb.start();
      Map<String, Double> out = new LinkedHashMap<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = LINE.matcher(line.strip());
          if (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
          }
        }
      }
      if (p.waitFor() != 0 || out.isEmpty()) {
        throw new TunekitException("the PyTorch reference failed (exit " + p.exitValue() + "); run "
            + script + " by hand to see why (it needs python3-torch)");
      }
      return out;
    } catch (IOException e) {
      throw new TunekitException("cannot run the PyTorch reference (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TunekitException("interrupted while running the PyTorch reference");
    }
  }
}
