// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.linreg;

/**
 * One row of the coefficient table of {@link RegressionFit}: an estimate, its standard error, t =
 * estimate / standard error, and the two-sided p-value of t under Student's t with the fit's
 * residual degrees of freedom. NaN where undefined (no residual degrees of freedom, or a weight
 * that is not identifiable).
 */
public record Coefficient(
    String name, double estimate, double stdError, double tValue, double pValue) {
  /** R's significance code: *** p < 0.001, ** < 0.01, * < 0.05, . < 0.1; blank otherwise. */
  public String stars() {
    if (Double.isNaN(pValue)) {
      return "";
    }
    return pValue < 0.001
        ? "***"
        : pValue < 0.01 ? "**" : pValue < 0.05 ? "*" : pValue < 0.1 ? "." : "";
  }
}
