package dev.tunekit.tensors;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** The element types of the safetensors format, with their sizes and libtorch equivalents. */
public enum DType {
  BOOL(1, ScalarType.Bool),
  U8(1, ScalarType.Byte),
  I8(1, ScalarType.Char),
  I16(2, ScalarType.Short),
  U16(2, ScalarType.UInt16),
  F16(2, ScalarType.Half),
  BF16(2, ScalarType.BFloat16),
  I32(4, ScalarType.Int),
  U32(4, null),
  F32(4, ScalarType.Float),
  F64(8, ScalarType.Double),
  I64(8, ScalarType.Long),
  U64(8, null),
  F8_E5M2(1, ScalarType.Float8_e5m2),
  F8_E4M3(1, ScalarType.Float8_e4m3fn);

  /** Bytes per element. */
  public final int size;

  /** The libtorch type, or null where libtorch has no tensor of that type here. */
  public final ScalarType scalarType;

  DType(int size, ScalarType scalarType) {
    this.size = size;
    this.scalarType = scalarType;
  }

  /** The safetensors name ("F32"), or null if the name is not a safetensors dtype. */
  public static DType parse(String name) {
    if (name == null) {
      return null;
    }
    for (DType d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  public boolean isFloatingPoint() {
    return this == F16 || this == BF16 || this == F32 || this == F64;
  }

  /** The safetensors dtype of a libtorch tensor type. */
  public static DType of(ScalarType type) {
    for (DType d : values()) {
      if (d.scalarType != null && d.scalarType.value == type.value) {
        return d;
      }
    }
    throw new IllegalArgumentException("no safetensors dtype for " + type);
  }
}
