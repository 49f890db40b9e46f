// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a setting's value must satisfy, with the message that names the setting when it does not.
 * The same rule checks a config value ({@code JobConfig}) and a Spark ML param value (the param's
 * {@code isValid}), so both refuse the same values and the CLI's messages are written once.
 *
 * <pre>{@code
 * Rule.POSITIVE.problem("model.latent", 0, null)  // "model.latent must be a positive integer…"
 * Rule.POSITIVE.problem("model.latent", 20, null) // null: fine
 * }</pre>
 */
public enum Rule {
  /** Any value of the type (finite, for numbers). */
  ANY,
  /** {@code > 0}; for a list of integers, every element. */
  POSITIVE,
  /** {@code >= 0}. */
  NON_NEGATIVE,
  /** {@code >= 0}, or -1 for "auto". */
  AUTO_OR_NON_NEGATIVE,
  /** In [0, 1): a decay or momentum factor. */
  FRACTION,
  /** One of the setting's allowed spellings (case-insensitive). */
  ONE_OF,
  /** A Spark storage level name, parsed by {@link StorageLevels#parse}. */
  STORAGE_LEVEL;

  /**
   * Why {@code value} is refused, as a sentence that starts with {@code name}; null when it is
   * fine. Null values are the caller's business (a null default means "not set").
   *
   * @param allowed the allowed spellings, for {@link #ONE_OF}
   */
  public String problem(String name, Object value, List<String> allowed) {
    if (value == null) {
      return null;
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return name + " must be a finite number, got " + d;
    }
    switch (this) {
      case POSITIVE:
        if (value instanceof int[] a) {
          return Arrays.stream(a).allMatch(x -> x > 0)
              ? null
              : name + " must hold positive sizes, got " + Arrays.toString(a);
        }
        if (value instanceof Double d) {
          return d > 0 ? null : name + " must be > 0, got " + d;
        }
        return ((Number) value).longValue() > 0
            ? null
            : name + " must be a positive integer, got " + value;
      case NON_NEGATIVE:
        return ((Number) value).doubleValue() >= 0 ? null : name + " must be >= 0, got " + value;
      case AUTO_OR_NON_NEGATIVE:
        return ((Number) value).doubleValue() >= -1
            ? null
            : name + " must be >= 0, or -1 (auto), got " + value;
      case FRACTION:
        double f = ((Number) value).doubleValue();
        return f >= 0 && f < 1 ? null : name + " must lie in [0, 1), got " + value;
      case ONE_OF:
        String v = value.toString().trim().toLowerCase(Locale.ROOT);
        return allowed.stream().anyMatch(v::equalsIgnoreCase)
            ? null
            : name + " = '" + v + "' is not allowed; expected one of " + String.join(", ", allowed);
      case STORAGE_LEVEL:
        try {
          StorageLevels.parse(value.toString());
          return null;
        } catch (IllegalArgumentException e) {
          return name + " = " + e.getMessage();
        }
      default:
        return null;
    }
  }
}
