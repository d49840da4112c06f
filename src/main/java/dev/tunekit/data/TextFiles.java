package dev.tunekit.data;

import dev.tunekit.TunekitException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Strict UTF-8 text reading: invalid bytes are an error that names their line, never a silent U+FFFD. */
final class TextFiles {
  interface LineConsumer {
    void accept(int lineNo, String line);
  }

  private TextFiles() {}

  /** The whole file as text; a byte-order mark is dropped. */
  static String read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TunekitException(file + ": file not found");
    } catch (IOException e) {
      throw new TunekitException(file + ": cannot read (" + e.getMessage() + ")");
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw invalidUtf8(file, lineOf(bytes, in.position()));
    }
    decoder.flush(out);
    String text = out.flip().toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Each line of the file with its 1-based number (\n or \r\n endings). */
  static void readLines(Path file, LineConsumer consumer) {
    String text = read(file);
    int lineNo = 0;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      lineNo++;
      String line = text.substring(start, end);
      consumer.accept(lineNo, line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
      start = end + 1;
    }
  }

  private static long lineOf(byte[] bytes, int position) {
    long line = 1;
    for (int i = 0; i < position && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  static TunekitException invalidUtf8(Path file, long lineNo) {
    return new TunekitException(file + ":" + lineNo + ": invalid UTF-8; save the file as UTF-8 "
        + "(e.g. iconv -f latin1 -t utf-8)");
  }
}
