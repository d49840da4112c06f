package dev.tunekit;

/**
 * An error the user can cause and fix: a bad file, a missing model, a wrong flag.
 *
 * <p>The message is one line that says what went wrong, where (file or file:line) and how to fix
 * it. The CLI prints it without a stack trace and exits non-zero; library callers can catch it.
 */
public class TunekitException extends RuntimeException {
  public TunekitException(String message) {
    super(message);
  }

  public TunekitException(String message, Throwable cause) {
    super(message, cause);
  }
}
