// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.engine.FeatureReader;
import io.sparkvae.io.Printable;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same twelve 4x4 images written in every format we read must load to the same training rows
 * (8-bit pixels scaled by 1/255 as training scales them), with the same labels; formats are
 * inferred from paths and directories; damaged and missing inputs are clear errors.
 */
class LoadersTest extends SparkTestBase {
  static final int N = 12;
  static final int D = 16;
  @TempDir static Path dir;

  static int pixel(int i, int j) {
    return (i * 16 + j * 13 + (i * j) % 7) % 256;
  }

  static byte[] idx(int[] dims, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(0x0800 | dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(body);
    return b.array();
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  static byte[] imagesIdx() {
    byte[] body = new byte[N * D];
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < D; j++) {
        body[i * D + j] = (byte) pixel(i, j);
      }
    }
    return idx(new int[] {N, 4, 4}, body);
  }

  static byte[] labelsIdx() {
    byte[] body = new byte[N];
    for (int i = 0; i < N; i++) {
      body[i] = (byte) (i % 3);
    }
    return idx(new int[] {N}, body);
  }

  @BeforeAll
  static void writeEveryFormat() throws IOException {
    Files.createDirectories(dir.resolve("idx"));
    Files.write(dir.resolve("idx/t-images-idx3-ubyte"), imagesIdx());
    Files.write(dir.resolve("idx/t-labels-idx1-ubyte"), labelsIdx());
    Files.createDirectories(dir.resolve("idxgz"));
    Files.write(dir.resolve("idxgz/t-images-idx3-ubyte.gz"), gzip(imagesIdx()));
    Files.write(dir.resolve("idxgz/t-labels-idx1-ubyte.gz"), gzip(labelsIdx()));

    List<Row> binary = new ArrayList<>();
    List<Row> arrays = new ArrayList<>();
    List<Row> columns = new ArrayList<>();
    StringBuilder csv = new StringBuilder("id,label");
    StringBuilder svm = new StringBuilder();
    for (int j = 0; j < D; j++) {
      csv.append(",p").append(j);
    }
    csv.append('\n');
    for (int i = 0; i < N; i++) {
      byte[] px = new byte[D];
      List<Float> fl = new ArrayList<>();
      Object[] cols = new Object[D + 2];
      cols[0] = (long) i;
      cols[1] = i % 3;
      csv.append(i).append(',').append(i % 3);
      svm.append(i);
      for (int j = 0; j < D; j++) {
        px[j] = (byte) pixel(i, j);
        float f = pixel(i, j) / 255f;
        fl.add(f);
        cols[j + 2] = f;
        csv.append(',').append(f);
        svm.append(' ').append(j + 1).append(':').append(f);
      }
      csv.append('\n');
      svm.append('\n');
      binary.add(RowFactory.create((long) i, i % 3, px));
      arrays.add(RowFactory.create((long) i, i % 3, fl));
      columns.add(RowFactory.create(cols));
    }
    StructType bs =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("id", DataTypes.LongType, false),
              DataTypes.createStructField("label", DataTypes.IntegerType, false),
              DataTypes.createStructField("features", DataTypes.BinaryType, false)
            });
    StructType as =
        new StructType(
            new StructField[] {
              bs.fields()[0],
              bs.fields()[1],
              DataTypes.createStructField(
                  "features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            });
    List<StructField> cf = new ArrayList<>(List.of(bs.fields()[0], bs.fields()[1]));
    for (int j = 0; j < D; j++) {
      cf.add(DataTypes.createStructField("p" + j, DataTypes.FloatType, false));
    }
    spark()
        .createDataFrame(binary, bs)
        .repartition(3)
        .write()
        .parquet(dir.resolve("binary.parquet").toString());
    spark().createDataFrame(arrays, as).write().parquet(dir.resolve("arrays").toString());
    spark()
        .createDataFrame(columns, new StructType(cf.toArray(new StructField[0])))
        .write()
        .parquet(dir.resolve("columns").toString());
    Files.writeString(dir.resolve("t.csv"), csv);
    Files.writeString(dir.resolve("t.libsvm"), svm);
    for (int i = 0; i < N; i++) {
      final int k = i;
      Path cls = Files.createDirectories(dir.resolve("folder/c" + (i % 3)));
      Files.write(
          cls.resolve(String.format("img_%02d.png", i)),
          ImageDecoderTest.encode(
              ImageDecoderTest.gray(4, 4, (x, y) -> pixel(k, y * 4 + x)), "png"));
    }
  }

  static ImageData load(String path, Loaders.Format format) {
    return Loaders.load(
        spark(), new Loaders.Spec("data.train", path, format, "features", "label", null, D));
  }

  /** Row number -> pixels as training sees them, from the id (or, for LibSVM, the label). */
  static Map<Integer, float[]> rows(ImageData d, boolean idFromLabel) {
    Dataset<Row> f = d.frame();
    FeatureReader reader = FeatureReader.forColumn(f.schema(), d.featuresColumn());
    Map<Integer, float[]> out = new TreeMap<>();
    for (Row r : f.collectAsList()) {
      float[] x = new float[D];
      assertEquals(D, reader.read(r, x, 0, D, new FeatureReader.FloatBuffer()), d.source());
      int id;
      if (idFromLabel) {
        id = (int) r.getDouble(r.fieldIndex("label"));
      } else if (d.idColumn().equals("path")) {
        String p = r.getString(r.fieldIndex("path"));
        id = Integer.parseInt(p.substring(p.lastIndexOf('_') + 1, p.lastIndexOf('.')));
        assertEquals(id % 3, r.getInt(r.fieldIndex("label")), "label of " + p);
      } else {
        id = ((Number) r.get(r.fieldIndex(d.idColumn()))).intValue();
        if (d.labelColumn() != null) {
          assertEquals(id % 3, ((Number) r.get(r.fieldIndex(d.labelColumn()))).intValue());
        }
      }
      out.put(id, x);
    }
    return out;
  }

  @Test
  void everyFormatLoadsTheSameRows() {
    Map<Integer, float[]> expected = new TreeMap<>();
    for (int i = 0; i < N; i++) {
      float[] x = new float[D];
      for (int j = 0; j < D; j++) {
        x[j] = pixel(i, j) / 255f;
      }
      expected.put(i, x);
    }
    Object[][] cases = {
      {dir.resolve("idx/t-images-idx3-ubyte"), Loaders.Format.IDX},
      {dir.resolve("idxgz/t-images-idx3-ubyte.gz"), Loaders.Format.IDX},
      {dir.resolve("binary.parquet"), Loaders.Format.PARQUET},
      {dir.resolve("arrays"), Loaders.Format.PARQUET},
      {dir.resolve("columns"), Loaders.Format.PARQUET},
      {dir.resolve("t.csv"), Loaders.Format.CSV},
      {dir.resolve("t.libsvm"), Loaders.Format.LIBSVM},
      {dir.resolve("folder"), Loaders.Format.IMAGES}
    };
    for (Object[] c : cases) {
      String path = c[0].toString();
      Loaders.Format f = (Loaders.Format) c[1];
      // Inferred from the path (a name, or a directory's contents) when not given.
      assertEquals(
          f,
          Loaders.resolveFormat(
              spark(), new Loaders.Spec("data.train", path, null, "features", "label", null, 0)),
          path);
      ImageData d = load(path, null);
      Map<Integer, float[]> got = rows(d, f == Loaders.Format.LIBSVM);
      assertEquals(expected.keySet(), got.keySet(), path);
      for (int i = 0; i < N; i++) {
        assertArrayEquals(expected.get(i), got.get(i), 1e-7f, path + " row " + i);
      }
      if (f == Loaders.Format.IDX || f == Loaders.Format.IMAGES) {
        assertEquals("4x4x1", d.shape().toString(), path);
      } else {
        assertNull(d.shape(), path);
      }
      assertTrue(d.source().startsWith("data.train: "), d.source());
    }
  }

  @Test
  void directoriesAreRecognizedByTheirContents() throws IOException {
    Dataset<Row> df = spark().read().parquet(dir.resolve("binary.parquet").toString());
    String partitioned = dir.resolve("partitioned").toString();
    df.write().partitionBy("label").parquet(partitioned);
    Files.delete(dir.resolve("partitioned/_SUCCESS")); // only label=0/ ... remain
    String csvDir = dir.resolve("csvdir").toString();
    df.select("id", "label").write().option("header", "true").csv(csvDir);
    for (String[] c :
        new String[][] {
          {partitioned, "PARQUET"},
          {csvDir, "CSV"},
          {dir.resolve("folder").toString(), "IMAGES"},
          {dir.resolve("folder/c1").toString(), "IMAGES"}
        }) {
      assertEquals(
          Loaders.Format.valueOf(c[1]),
          Loaders.resolveFormat(
              spark(), new Loaders.Spec("data.train", c[0], null, "features", "label", null, 0)),
          c[0]);
    }
    assertEquals(Loaders.Format.IDX, Loaders.infer("x/train-images-idx3-ubyte.gz"));
    assertEquals(Loaders.Format.CSV, Loaders.infer("s3a://b/x.CSV.gz"));
    assertNull(Loaders.infer("data/train"));
    Path unknown = Files.createDirectories(dir.resolve("unknown"));
    Files.writeString(unknown.resolve("a.bin"), "x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> load(unknown.toString(), null));
    assertTrue(
        e.getMessage().contains("cannot tell its format")
            && e.getMessage().contains("set data.format"),
        e.getMessage());
  }

  @Test
  void missingPathsAreNamedForEveryFormat() {
    for (Loaders.Format f :
        new Loaders.Format[] {
          null,
          Loaders.Format.IDX,
          Loaders.Format.PARQUET,
          Loaders.Format.CSV,
          Loaders.Format.LIBSVM,
          Loaders.Format.IMAGES
        }) {
      String p = dir.resolve("nope/train-images-idx3-ubyte.gz").toString();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(p, f));
      assertEquals(
          "data.train: input path does not exist: " + p,
          e.getMessage().replace("file:", ""),
          String.valueOf(f));
    }
  }

  @Test
  void theLabelsFileIsFoundBesideTheImagesByTheFilesNameOnly() {
    assertEquals(
        "/d/train-labels-idx1-ubyte.gz", IdxLoader.idxLabelsPath("/d/train-images-idx3-ubyte.gz"));
    assertEquals(
        "/x/images-idx3/t10k-labels-idx1-ubyte",
        IdxLoader.idxLabelsPath("/x/images-idx3/t10k-images-idx3-ubyte"),
        "a folder of that name stays");
    assertEquals(null, IdxLoader.idxLabelsPath("/x/images-idx3/pixels.idx"));
  }

  @Test
  void aCsvIdColumnNamedByDataIdIsNeverAPixel() throws IOException {
    Path csv = dir.resolve("ids.csv");
    Files.writeString(csv, "image_id,label,p0,p1,p2,p3\n7,1,0,0.5,1,0\n8,0,1,0,0,0.25\n");
    ImageData named =
        Loaders.load(
            spark(),
            new Loaders.Spec(
                "data.train",
                csv.toString(),
                Loaders.Format.CSV,
                "features",
                "label",
                null,
                0,
                null,
                "image_id"));
    assertEquals("image_id", named.idColumn());
    List<Row> rows = named.frame().orderBy("image_id").collectAsList();
    assertEquals(4, rows.get(0).getList(rows.get(0).fieldIndex("features")).size(), "4 pixels");
    assertEquals(7, ((Number) rows.get(0).getAs("image_id")).intValue());
    // Without data.id naming it, the numeric image_id is read as a fifth pixel.
    ImageData unnamed =
        Loaders.load(
            spark(),
            new Loaders.Spec(
                "data.train", csv.toString(), Loaders.Format.CSV, "features", "label", null, 0));
    Row u = unnamed.frame().first();
    assertEquals(5, u.getList(u.fieldIndex("features")).size());
  }

  @Test
  void damagedIdxFilesAreFoundOnTheDriver() throws IOException {
    Configuration conf = new Configuration();
    byte[] good = imagesIdx();
    Path p = dir.resolve("check-images-idx3-ubyte");

    Files.write(p, java.util.Arrays.copyOf(good, 10));
    assertMessage(conf, p, "truncated IDX header (ends in dimension 2 of 3)");
    Files.write(p, java.util.Arrays.copyOf(good, good.length - 5));
    assertMessage(
        conf,
        p,
        "truncated IDX body: header [12, 4, 4] promises 192 bytes, the file " + "holds 187");
    Files.write(p, java.util.Arrays.copyOf(good, good.length + 3));
    assertMessage(conf, p, "IDX file has bytes after the 192 its header [12, 4, 4] promises");
    byte[] gz = gzip(good);
    Files.write(p, java.util.Arrays.copyOf(gz, gz.length - 12));
    assertMessage(conf, p, "(the gzip stream is cut short)");
    Files.write(p, new byte[] {'P', 'K', 3, 4, 0, 0});
    assertMessage(conf, p, "not an IDX file (magic number 0x504b0304");

    // Sizes whose product wraps around in 64 bits (2⁶⁴ → 0): a 20-byte file is not 65,536 images.
    byte[] huge = idx(new int[] {65536, 65536, 65536, 65536}, new byte[0]);
    Files.write(p, huge);
    assertMessage(conf, p, "promises more than 2147483631 bytes");
    // Damaged gzip data (a corrupted deflate byte, or only the two magic bytes): the file named.
    byte[] bad = gz.clone();
    for (int i = 12; i < 20; i++) {
      bad[i] ^= (byte) 0x5a;
    }
    Files.write(p, bad);
    assertMessage(conf, p, "");
    Files.write(p, new byte[] {0x1f, (byte) 0x8b});
    assertMessage(conf, p, "cannot read it as IDX (EOFException");

    // Two gzip members (cat a.gz b.gz): the trailer check cannot decide; the full check passes.
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.write(gzip(java.util.Arrays.copyOf(good, 100)));
    two.write(gzip(java.util.Arrays.copyOfRange(good, 100, good.length)));
    Files.write(p, two.toByteArray());
    assertArrayEquals(new int[] {12, 4, 4}, IdxLoader.checkIdx(conf, p.toString(), "k"));
  }

  private static void assertMessage(Configuration conf, Path p, String expected) {
    IOException e =
        assertThrows(IOException.class, () -> IdxLoader.checkIdx(conf, p.toString(), "data.train"));
    assertTrue(e.getMessage().startsWith("data.train " + p), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void aBinaryFileReadAsCsvIsNamedInPrintableCharactersAndCutShort() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(Samples.TRAIN_IMAGES.toString(), Loaders.Format.CSV));
    String m = e.getMessage();
    assertTrue(m.contains("column '") && m.contains("' is not numeric"), m);
    assertTrue(m.chars().noneMatch(c -> Character.isISOControl(c) || c == 0xFFFD), m);
    String name = m.substring(m.indexOf("column '") + 8, m.indexOf("' is not numeric"));
    assertTrue(name.contains("\\x") || name.contains("\\u"), name);
    assertTrue(name.length() <= 6 * Printable.MAX + 1, name);
  }

  @Test
  void idxLabelsMustMatchTheImages() throws IOException {
    Path d = Files.createDirectories(dir.resolve("mismatch"));
    Files.write(d.resolve("m-images-idx3-ubyte"), imagesIdx());
    Files.write(d.resolve("m-labels-idx1-ubyte"), idx(new int[] {5}, new byte[5]));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(d.resolve("m-images-idx3-ubyte").toString(), null));
    assertTrue(
        e.getMessage().contains("holds 5 labels but") && e.getMessage().contains("holds 12 images"),
        e.getMessage());
    // One-hot labels ([12, 10]): refused, not read as the first 12 of 120 bytes.
    Files.write(d.resolve("m-labels-idx1-ubyte"), idx(new int[] {12, 10}, new byte[120]));
    IllegalArgumentException onehot =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(d.resolve("m-images-idx3-ubyte").toString(), null));
    assertTrue(
        onehot.getMessage().contains("labels file has one dimension")
            && onehot.getMessage().contains("[12, 10]"),
        onehot.getMessage());
    Files.write(d.resolve("m-labels-idx1-ubyte"), idx(new int[] {5}, new byte[5]));
    // A labels file given as the images: a clear error, not a crash.
    IllegalArgumentException e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(d.resolve("m-labels-idx1-ubyte").toString(), Loaders.Format.IDX));
    assertTrue(e2.getMessage().contains("is it a labels file?"), e2.getMessage());
  }
}
