// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

/**
 * A problem with the input data found while reading it, possibly inside a Spark task: the message
 * names the file (or row) and what is wrong. Spark hands a failed task's exception to the driver as
 * the cause of its own {@code SparkException}; the command line looks for this class among the
 * causes and prints just the message (exit code 2) instead of Spark's stack trace.
 */
public class BadDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadDataException(String message, Throwable cause) {
    super(message, cause);
  }

  public BadDataException(String message) {
    super(message);
  }
}
