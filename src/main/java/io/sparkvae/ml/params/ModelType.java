// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.Locale;

/** The kind of network: fully connected, or convolutions then dense layers. */
public enum ModelType {
  MLP("mlp"),
  CONV("conv");

  private final String configName;

  ModelType(String configName) {
    this.configName = configName;
  }

  public String configName() {
    return configName;
  }

  public static ModelType fromName(String name) {
    for (ModelType t : values()) {
      if (t.configName.equals(name.trim().toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown model type '" + name + "'; expected mlp or conv");
  }
}
