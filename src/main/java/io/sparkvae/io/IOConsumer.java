// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.io;

import java.io.IOException;

/** A {@link java.util.function.Consumer} that may throw {@link IOException}: write callbacks. */
@FunctionalInterface
public interface IOConsumer<T> {
  void accept(T value) throws IOException;
}
