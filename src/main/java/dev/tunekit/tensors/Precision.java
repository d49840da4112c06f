package dev.tunekit.tensors;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Numeric precision of matrix work. {@code BF16} is CPU autocast: matmuls and attention in
 * bfloat16 (AMX on this machine), reductions and LayerNorm in float32, weights kept in float32.
 */
public enum Precision {
  FP32,
  BF16;

  /** A region running at this precision; close it to return to float32. */
  public interface Region extends AutoCloseable {
    @Override
    void close();
  }

  public Region enter() {
    if (this == FP32) {
      return () -> { };
    }
    Engine.start();
    torch.set_autocast_dtype(DeviceType.CPU, ScalarType.BFloat16);
    torch.set_autocast_enabled(DeviceType.CPU, true);
    return () -> {
      torch.set_autocast_enabled(DeviceType.CPU, false);
      // Autocast caches bf16 copies of weights; drop them so an update is never hidden by a stale copy.
      torch.clear_cache();
    };
  }

  public static Precision parse(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "fp32", "float32" -> FP32;
      case "bf16", "bfloat16" -> BF16;
      default -> throw new dev.tunekit.TunekitException("precision \"" + s + "\" is unknown; use fp32 or bf16");
    };
  }
}
