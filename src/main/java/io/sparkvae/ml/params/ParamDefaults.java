// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.function.BiConsumer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Sets every param's default from its {@link Setting}. {@code Params.setDefault} is protected, so
 * the class passes it in: {@code ParamDefaults.apply(this, this::setDefault)} in its constructor.
 */
public final class ParamDefaults {
  private ParamDefaults() {}

  @SuppressWarnings("unchecked")
  public static void apply(Params owner, BiConsumer<Param<Object>, Object> setDefault) {
    for (Param<?> p : owner.params()) {
      Setting s = Settings.byParam(p.name());
      if (s == null) {
        throw new IllegalStateException(p.name() + " is not declared in Settings");
      }
      Object d = s.defaultValue();
      if (d != null) {
        setDefault.accept((Param<Object>) p, d);
      }
    }
  }
}
