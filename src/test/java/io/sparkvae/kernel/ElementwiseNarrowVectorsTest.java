// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vector path on 128-bit vectors (ARM's NEON, or x86 with {@code -XX:MaxVectorSize=16}), in a
 * child JVM: it must still load, and still give the scalar bits.
 */
class ElementwiseNarrowVectorsTest {
  /** Runs in the child JVM: prints the path, then "ok" if the pixels convert exactly. */
  public static void main(String[] args) {
    System.out.println(Elementwise.current());
    byte[] src = new byte[256 + 3];
    for (int v = 0; v < 256; v++) {
      src[v] = (byte) v;
    }
    float[] dst = new float[src.length];
    Elementwise.INSTANCE.unitBytes(src, 0, dst, 0, src.length);
    for (int v = 0; v < 256; v++) {
      if (Float.floatToRawIntBits(dst[v]) != Float.floatToRawIntBits(v / 255f)) {
        System.out.println("pixel " + v + " became " + dst[v]);
        return;
      }
    }
    System.out.println("ok");
  }

  @Test
  void onVectorsOf128BitsTheVectorPathStillLoadsAndConvertsPixelsExactly() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-XX:MaxVectorSize=16",
                "--add-modules=jdk.incubator.vector",
                "-cp",
                System.getProperty("java.class.path"),
                ElementwiseNarrowVectorsTest.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    assertEquals(0, p.exitValue(), out);
    List<String> lines =
        out.lines().filter(l -> !l.startsWith("WARNING")).map(String::strip).toList();
    assertEquals(List.of("vector(128-bit)", "ok"), lines, out);
  }
}
