// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** What crosses the wire in a round comes back with the same bits, under either serializer. */
class FloatWireTest {
  private static final float[] AWKWARD = {
    0f,
    -0f,
    1f,
    -1.5f,
    Float.MIN_VALUE,
    -Float.MIN_NORMAL / 3,
    Float.MAX_VALUE,
    Float.NEGATIVE_INFINITY,
    Float.intBitsToFloat(0x7fc00001),
    3.1415927f
  };

  @SuppressWarnings("unchecked")
  private static <T> T javaRoundTrip(T o) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  private static <T> T kryoRoundTrip(T o, Class<T> type) {
    SerializerInstance k = new KryoSerializer(new SparkConf()).newInstance();
    return k.deserialize(
        k.serialize(o, ClassTag$.MODULE$.apply(type)), ClassTag$.MODULE$.apply(type));
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  @Test
  void aContributionKeepsEveryBitAndFieldThroughJavaSerialization() throws Exception {
    Contribution c = new Contribution(AWKWARD.clone(), new double[] {1.25, -2.5}, 42);
    c.badPartition = 3;
    c.badStep = 17;
    c.badWhat = "the KL term";
    Contribution back = javaRoundTrip(c);
    assertArrayEquals(bits(AWKWARD), bits(back.vector), "raw bits, NaN payload and -0 included");
    assertArrayEquals(new double[] {1.25, -2.5}, back.losses);
    assertEquals(42, back.rows);
    assertEquals(3, back.badPartition);
    assertEquals(17, back.badStep);
    assertEquals("the KL term", back.badWhat);
  }

  @Test
  void aVectorOfManySlicesKeepsEveryBitUnderJavaSerialization() throws Exception {
    // 40,000 floats: two full 16,384-float slices and a partial one, every bit pattern random.
    java.util.Random r = new java.util.Random(7);
    float[] v = new float[40_000];
    for (int i = 0; i < v.length; i++) {
      v[i] = Float.intBitsToFloat(r.nextInt());
    }
    Contribution back = javaRoundTrip(new Contribution(v.clone(), new double[] {1}, 3));
    assertArrayEquals(bits(v), bits(back.vector));
    FloatWire.Shared shared = javaRoundTrip(new FloatWire.Shared(new float[][] {v, new float[0]}));
    assertArrayEquals(bits(v), bits(shared.vectors()[0]));
    assertEquals(0, shared.vectors()[1].length);
  }

  @Test
  void anEmptyPartitionsContributionStaysWithoutAVector() throws Exception {
    Contribution back = javaRoundTrip(new Contribution(null, new double[] {0}, 0));
    assertNull(back.vector);
    assertEquals(-1, back.badPartition);
  }

  @Test
  void theBroadcastVectorsKeepEveryBitThroughJavaAndKryo() throws Exception {
    float[][] v = {AWKWARD.clone(), new float[] {7f, 8f}};
    FloatWire.Shared javaBack = javaRoundTrip(new FloatWire.Shared(v));
    FloatWire.Shared kryoBack = kryoRoundTrip(new FloatWire.Shared(v), FloatWire.Shared.class);
    for (FloatWire.Shared back : new FloatWire.Shared[] {javaBack, kryoBack}) {
      assertEquals(2, back.vectors().length);
      assertArrayEquals(bits(v[0]), bits(back.vectors()[0]));
      assertArrayEquals(bits(v[1]), bits(back.vectors()[1]));
    }
  }

  @Test
  void kryoWhichIgnoresWriteReplaceStillCarriesTheContributionsVector() {
    Contribution back =
        kryoRoundTrip(new Contribution(AWKWARD.clone(), new double[] {0.5}, 9), Contribution.class);
    assertArrayEquals(bits(AWKWARD), bits(back.vector));
    assertEquals(9, back.rows);
  }
}
