package dev.tunekit.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/** JSON Lines data files, through the reader and the dataset builder (labels, splits, bad rows). */
class JsonLinesFuzzTest {
  /** Input: a byte whose low bit is --skip-bad-rows, then the file. */
  static Stream<byte[]> seeds() {
    byte[] rt = Fuzz.utf8(Fuzz.sharedLines("data/rotten_tomatoes/train.jsonl", 12));
    byte[] mixed = Fuzz.utf8("{\"text\": \"ok\", \"label\": \"pos\"}\n\n{\"text\": \"no\", \"label\": \"neg\"}\r\n"
        + "{\"text\": 3, \"label\": null}\n{\"text\": \"\", \"label\": 1.0}\n[1]\n{\"text\": \"x\", \"label\": true}\n"
        + "{\"text\": \"y\", \"label\": 123456789012345678901234567890}\n{\"text\": \"z\"}\n\uFEFF{}\n");
    return Stream.of(Fuzz.concat(new byte[] {0}, rt), Fuzz.concat(new byte[] {1}, mixed));
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void readAndBuild(byte[] input) {
    if (input.length < 1) {
      return;
    }
    DataFileFuzz.readAndBuild(Fuzz.write("jsonl/data.jsonl", Arrays.copyOfRange(input, 1, input.length)),
        (input[0] & 1) == 1);
  }
}
