// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.sparkvae.diagnostics.BlasInfo;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Where a model came from: library versions, JVM, BLAS and time, recorded in every model (the
 * {@code provenance} section of {@link ModelMetadata}) and in the estimator's and reports' JSON. A
 * field an older file lacks reads as null.
 *
 * @param blas the BLAS implementation and its threading, as {@link BlasInfo#oneLine()}
 * @param createdUtc ISO-8601 instant, whole seconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Provenance(
    @JsonProperty("spark_vae_version") String sparkVaeVersion,
    @JsonProperty("spark_version") String sparkVersion,
    @JsonProperty("scala_version") String scalaVersion,
    @JsonProperty("java_version") String javaVersion,
    @JsonProperty("java_vendor") String javaVendor,
    @JsonProperty("os") String os,
    @JsonProperty("blas") String blas,
    @JsonProperty("created_utc") String createdUtc)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What an older file without the section reads as. */
  static final Provenance UNKNOWN = new Provenance(null, null, null, null, null, null, null, null);

  /** This library's version from the jar manifest ("development" when run from classes). */
  public static String version() {
    String v = Provenance.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  /** This JVM, now. */
  public static Provenance current() {
    return new Provenance(
        version(),
        org.apache.spark.package$.MODULE$.SPARK_VERSION(),
        scala.util.Properties.versionNumberString(),
        System.getProperty("java.version"),
        System.getProperty("java.vendor"),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        BlasInfo.oneLine(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
