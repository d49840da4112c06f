package dev.tunekit.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/** CSV and TSV data files (quotes, embedded delimiters and newlines), through reader and dataset builder. */
class DelimitedFuzzTest {
  /** Input: a byte (bit 0: --skip-bad-rows, bit 1: TSV instead of CSV), then the file. */
  static Stream<byte[]> seeds() {
    StringBuilder csv = new StringBuilder("text,label\n");
    StringBuilder tsv = new StringBuilder("label\ttext\n");
    for (String line : Fuzz.sharedLines("data/rotten_tomatoes/train.jsonl", 12).split("\n")) {
      String text = line.replaceAll(".*\"text\": \"(.*)\", \"label\".*", "$1");
      String label = line.replaceAll(".*\"label\": (\\d+).*", "$1");
      csv.append('"').append(text.replace("\"", "\"\"")).append("\",").append(label).append('\n');
      tsv.append(label).append('\t').append(text.replace("\t", " ")).append('\n');
    }
    csv.append("\"a, quoted \"\"field\"\"\nover two lines\",1\r\nshort\n,0\n");
    return Stream.of(Fuzz.concat(new byte[] {0}, Fuzz.utf8(csv.toString())),
        Fuzz.concat(new byte[] {3}, Fuzz.utf8(tsv.toString())));
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void readAndBuild(byte[] input) {
    if (input.length < 1) {
      return;
    }
    String name = (input[0] & 2) == 0 ? "csv/data.csv" : "tsv/data.tsv";
    DataFileFuzz.readAndBuild(Fuzz.write(name, Arrays.copyOfRange(input, 1, input.length)), (input[0] & 1) == 1);
  }
}
