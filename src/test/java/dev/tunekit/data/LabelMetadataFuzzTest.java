package dev.tunekit.data;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunekit.Fuzz;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/** Label names a dataset folder declares: dataset_info.json, or the dataset card's YAML header. */
class LabelMetadataFuzzTest {
  static final String CARD = "---\ndataset_info:\n  features:\n  - name: text\n    dtype: string\n  - name: label\n"
      + "    dtype:\n      class_label:\n        names:\n          '0': neg\n          '1': pos\n  splits:\n"
      + "  - name: train\n---\n# A dataset\n";
  static final String INFO = "{\"features\": {\"text\": {\"dtype\": \"string\"}, \"label\": {\"names\": [\"neg\", \"pos\"],"
      + " \"_type\": \"ClassLabel\"}}}";

  /** Input: a byte choosing the file (even: README.md card, odd: dataset_info.json), then its content. */
  static Stream<byte[]> seeds() {
    return Stream.of(Fuzz.concat(new byte[] {0}, Fuzz.utf8(CARD)), Fuzz.concat(new byte[] {1}, Fuzz.utf8(INFO)));
  }

  @MethodSource("seeds")
  @FuzzTest(maxDuration = Fuzz.DURATION)
  void find(byte[] input) {
    if (input.length < 1) {
      return;
    }
    boolean card = (input[0] & 1) == 0;
    Path folder = Fuzz.write(card ? "metadata-card/README.md" : "metadata-info/dataset_info.json",
        Arrays.copyOfRange(input, 1, input.length)).getParent();
    Fuzz.parse(() -> {
      List<String> names = LabelMetadata.find(folder, "label");
      if (names != null) {
        assertFalse(names.isEmpty() || names.contains(null), "declared names: " + names);
      }
    });
  }
}
