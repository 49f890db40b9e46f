package io.sparkvae.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.diagnostics.BlasInfo;
import io.sparkvae.io.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Where a model came from: library versions, JVM, BLAS and time, recorded in every model. */
public final class Provenance {
  private Provenance() {}

  /** This library's version from the jar manifest ("development" when run from classes). */
  public static String version() {
    String v = Provenance.class.getPackage().getImplementationVersion();
    return v == null ? "development" : v;
  }

  public static ObjectNode current() {
    ObjectNode o = Json.object();
    o.put("spark_vae_version", version());
    o.put("spark_version", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    o.put("scala_version", scala.util.Properties.versionNumberString());
    o.put("java_version", System.getProperty("java.version"));
    o.put("java_vendor", System.getProperty("java.vendor"));
    o.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    o.put("blas", BlasInfo.oneLine());
    o.put("created_utc", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return o;
  }
}
