// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import java.io.IOException;

/** Saves and restores {@link TrainingState}; implementations must write atomically. */
public interface Checkpointer {
  void save(TrainingState state) throws IOException;

  /** The last saved state, or null when there is none. */
  TrainingState load() throws IOException;
}
