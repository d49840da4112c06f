package dev.tunekit.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What a report says about where it ran: CPU, cores, memory, OS, Java and library versions. */
public final class Machine {
  private Machine() {}

  public static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("cpu", cpuModel());
    m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    m.put("memory", memory());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    String v = Machine.class.getPackage().getImplementationVersion();
    m.put("tunekit", v == null ? "development build" : v);
    m.put("libtorch", "2.10.0 via org.bytedeco:pytorch:2.10.0-1.5.13 (CPU)");
    m.put("fp32 matrix products", fp32Kernels());
    m.put("OpenMP threads between ops", openMpWait());
    m.put("tokenizers", "ai.djl.huggingface:tokenizers 0.38.0");
    return m;
  }

  /**
   * Which kernels libtorch's float32 matrix products run: OpenBLAS's, for the core it detects or
   * the one {@code OPENBLAS_CORETYPE} names (bf16 products run oneDNN's, which detects the CPU itself).
   */
  public static String fp32Kernels() {
    String forced = System.getenv("OPENBLAS_CORETYPE");
    return forced == null || forced.isBlank() ? "OpenBLAS, kernels for the detected CPU"
        : "OpenBLAS, " + forced + " kernels (OPENBLAS_CORETYPE=" + forced + " in the environment)";
  }

  /**
   * What libtorch's OpenMP threads do when an op ends, as the environment sets it (the launcher:
   * spin briefly for mostly-bf16 runs, sleep where float32 products run): a visible factor in speed.
   */
  public static String openMpWait() {
    String spin = System.getenv("GOMP_SPINCOUNT");
    String policy = System.getenv("OMP_WAIT_POLICY");
    if (spin != null && !spin.isBlank()) {
      return "spin " + spin.strip() + " (GOMP_SPINCOUNT), then sleep";
    }
    return policy == null || policy.isBlank() ? "OpenMP's default wait" : "wait policy " + policy.strip() + " (OMP_WAIT_POLICY)";
  }

  /**
   * A warning when {@code OPENBLAS_CORETYPE} holds float32 products to AVX2 kernels on a CPU with
   * AVX-512 (some machines set it for older OpenBLAS builds): here that made them 1.6-1.8x slower.
   */
  public static Optional<String> fp32KernelWarning() {
    String forced = System.getenv("OPENBLAS_CORETYPE");
    if (forced == null || !AVX2_CORES.contains(forced.strip().toLowerCase(Locale.ROOT)) || !cpuFlags().contains("avx512f")) {
      return Optional.empty();
    }
    return Optional.of("OPENBLAS_CORETYPE=" + forced + " limits float32 matrix products to AVX2 kernels on this "
        + "AVX-512 CPU; unset it (and OPENBLAS_L2_SIZE) for full float32 speed, e.g. env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ./tunekit ...");
  }

  /** OpenBLAS core names whose kernels stop at AVX2. */
  private static final Set<String> AVX2_CORES = Set.of("haswell", "zen", "sandybridge", "nehalem",
      "prescott", "core2", "penryn", "atom", "barcelona", "bulldozer", "piledriver", "steamroller", "excavator");

  private static Set<String> cpuFlags() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst()
          .map(l -> (Set<String>) new HashSet<>(List.of(l.substring(l.indexOf(':') + 1).strip().split("\\s+"))))
          .orElse(Set.of());
    } catch (IOException e) {
      return Set.of();
    }
  }

  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(System.getProperty("os.arch"));
      Set<String> flags = cpuFlags();
      // What decides bf16 speed: AMX tiles, else AVX512-BF16 dot products, else plain AVX-512.
      String isa = flags.contains("amx_bf16") ? "AMX-BF16" : flags.contains("avx512_bf16") ? "AVX512-BF16, no AMX"
          : flags.contains("avx512f") ? "AVX-512, no bf16 instructions" : flags.contains("avx2") ? "AVX2" : "";
      return isa.isEmpty() ? model : model + " (" + isa + ")";
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.arch");
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return String.format("%.1f GiB", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return "unknown";
  }
}
