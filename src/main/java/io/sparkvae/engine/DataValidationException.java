// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.util.List;

/** The data cannot be trained on; the message lists every problem found, one per line. */
public final class DataValidationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public DataValidationException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
