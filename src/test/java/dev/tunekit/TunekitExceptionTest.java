package dev.tunekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunekit.tensors.SafeTensors;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A user-facing error is one line whatever names the file put in it (fuzzing found multi-line ones). */
class TunekitExceptionTest {
  @Test
  void controlCharactersFromTheInputAreEscaped() {
    assertEquals("a\\nb\\r\\u0085c", new TunekitException("a\nb\r\u0085c").getMessage());
    assertEquals("plain: caf\u00e9 \u6211", new TunekitException("plain: caf\u00e9 \u6211").getMessage());
  }

  @Test
  void aTensorNameWithALineBreakStaysOnOneLine() {
    // A JSON string may hold any character; "\n" in a tensor name used to split the error in two.
    byte[] header = "{\"evil\\nname\": 5}".getBytes(StandardCharsets.UTF_8);
    TunekitException e = assertThrows(TunekitException.class, () -> SafeTensors.parseHeader(header, 0, "x.safetensors"));
    assertTrue(e.getMessage().contains("tensor 'evil\\nname' is not a JSON object"), e.getMessage());
    assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
  }
}
