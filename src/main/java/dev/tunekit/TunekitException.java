package dev.tunekit;

/**
 * An error the user can cause and fix: a bad file, a missing model, a wrong flag.
 *
 * <p>The message is one line that says what went wrong, where (file or file:line) and how to fix
 * it. The CLI prints it without a stack trace and exits non-zero; library callers can catch it.
 * Names taken from files (tensor names, CSV headers, JSON keys) may hold line breaks or other
 * control characters; they are escaped here, so the message stays one line whatever the input.
 */
public class TunekitException extends RuntimeException {
  public TunekitException(String message) {
    super(oneLine(message));
  }

  public TunekitException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /** {@code message} with every control character written as an escape ({@code \n}, {@code \u0085}). */
  static String oneLine(String message) {
    if (message == null || message.chars().noneMatch(Character::isISOControl) && message.indexOf('\u2028') < 0
        && message.indexOf('\u2029') < 0) {
      return message;
    }
    StringBuilder out = new StringBuilder(message.length() + 16);
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
