// SPDX-License-Identifier: Apache-2.0
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

  /**
   * The user error behind {@code t}: {@code t} itself, or a cause that is a UserError or a {@link
   * io.sparkvae.data.BadDataException} (bad input found inside a Spark task, which reaches the
   * driver wrapped in Spark's own exceptions). Null when the failure is not the user's.
   */
  public static UserError among(Throwable t) {
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof UserError) {
        return (UserError) t;
      }
      if (t instanceof io.sparkvae.data.BadDataException) {
        return new UserError(t.getMessage(), t);
      }
    }
    return null;
  }
}
