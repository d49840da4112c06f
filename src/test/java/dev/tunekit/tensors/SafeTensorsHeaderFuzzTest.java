package dev.tunekit.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The safetensors header on its own (pure, so fast): whatever the JSON says, every accepted entry
 * lies inside the data area and its shape accounts for its bytes exactly, so nothing sized by a
 * header field is ever allocated beyond the file.
 */
class SafeTensorsHeaderFuzzTest {
  /** Input: 2 bytes for the data area's length (in 16-byte units), then the header JSON. */
  static Stream<byte[]> seeds() {
    Stream<byte[]> real = Fuzz.shared("fixtures/tiny-bert/lora_adapter/adapter_model.safetensors",
        "fixtures/tiny-distilbert/lora_adapter/adapter_model.safetensors").map(SafeTensorsHeaderFuzzTest::asInput);
    Stream<byte[]> made = Stream.of(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"__metadata__\":{\"format\":\"pt\"}}",
        "{\"x\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[0,2]},\"y\":{\"dtype\":\"I64\",\"shape\":[0,9],"
            + "\"data_offsets\":[2,2]}}",
        "{\"big\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}")
        .map(json -> Fuzz.concat(new byte[] {0, 1}, Fuzz.utf8(json)));
    return Stream.concat(real, made);
  }

  /** A real file as a fuzz input: its data length and its header. */
  static byte[] asInput(byte[] file) {
    long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    int units = (int) Math.min(0xffff, (file.length - 8 - headerLength + 15) / 16);
    return Fuzz.concat(new byte[] {(byte) (units >> 8), (byte) units},
        Arrays.copyOfRange(file, 8, 8 + (int) headerLength));
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void parseHeader(byte[] input) {
    if (input.length < 2) {
      return;
    }
    long dataLength = ((input[0] & 0xffL) << 8 | (input[1] & 0xffL)) * 16;
    byte[] json = Arrays.copyOfRange(input, 2, input.length);
    Fuzz.parse(() -> {
      SafeTensors.Header header = SafeTensors.parseHeader(json, dataLength, "fuzz.safetensors");
      for (SafeTensors.Entry e : header.entries().values()) {
        assertTrue(0 <= e.begin() && e.begin() <= e.end() && e.end() <= dataLength, e.name() + " inside the data");
        assertEquals(e.numel() * e.dtype().size, e.byteSize(), e.name() + " shape accounts for its bytes");
      }
    });
  }
}
