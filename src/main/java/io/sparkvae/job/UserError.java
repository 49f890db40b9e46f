package io.sparkvae.job;

/**
 * A problem with what the user gave us (a file, a config key, a value): printed as one clear
 * message without a stack trace, with a specific exit code.
 */
public class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public UserError(String message) {
    this(message, Main.EXIT_USAGE, null);
  }

  public UserError(String message, Throwable cause) {
    this(message, Main.EXIT_USAGE, cause);
  }

  public UserError(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
