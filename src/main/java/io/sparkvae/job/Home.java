// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import java.nio.file.Path;

/** The project directory (set by the submit/ scripts), for locating bundled files. */
final class Home {
  private Home() {}

  static Path path(String relative) {
    String home = System.getProperty("sparkvae.home");
    return home == null ? Path.of(relative) : Path.of(home).resolve(relative);
  }
}
