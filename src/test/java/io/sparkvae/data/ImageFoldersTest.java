// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders: class subfolders become labels, grayscale or RGB, resampling, unreadable files
 * skipped (and counted) or fatal, mixed sizes without a target size refused by name.
 */
class ImageFoldersTest extends SparkTestBase {
  @TempDir static Path dir;
  static Path folder;

  /** Pixel value of image {@code i} at (x, y): distinct per image, gray. */
  static int value(int i, int x, int y) {
    return (i * 37 + x * 11 + y * 5) % 256;
  }

  /**
   * folder/cat: 3 gray 8x8 PNGs and one 16x16 PNG of 2x2 blocks; folder/dog: 2 colour 8x8 PNGs, one
   * 8x8 JPEG and one corrupt .png; folder/notes.txt (not an image name, ignored).
   */
  @BeforeAll
  static void images() throws IOException {
    folder = dir.resolve("train");
    Path cat = Files.createDirectories(folder.resolve("cat"));
    Path dog = Files.createDirectories(folder.resolve("dog"));
    for (int i = 0; i < 3; i++) {
      final int k = i;
      write(
          ImageDecoderTest.gray(8, 8, (x, y) -> value(k, x, y)),
          cat.resolve("c" + i + ".png"),
          "png");
    }
    write(
        ImageDecoderTest.gray(16, 16, (x, y) -> value(9, x / 2, y / 2)),
        cat.resolve("big.png"),
        "png");
    for (int i = 0; i < 2; i++) {
      final int k = i;
      write(
          ImageDecoderTest.rgb(8, 8, (x, y) -> (value(k, x, y) << 16) | (x * 20 << 8) | y * 30),
          dog.resolve("d" + i + ".PNG"),
          "png");
    }
    write(ImageDecoderTest.rgb(8, 8, (x, y) -> 0x808080), dog.resolve("d2.jpg"), "jpg");
    Files.write(dog.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26});
    Files.writeString(folder.resolve("notes.txt"), "not an image");
  }

  static void write(BufferedImage img, Path p, String format) throws IOException {
    Files.write(p, ImageDecoderTest.encode(img, format));
  }

  static ImageData load(
      Path p, ImageData.Shape shape, int channels, boolean fail, String classesFrom) {
    return Loaders.load(
        spark(),
        new Loaders.Spec(
            "data.train",
            p.toString(),
            null,
            "features",
            "label",
            shape,
            0,
            new Loaders.ImageOptions(channels, fail, classesFrom)));
  }

  static Map<String, Row> byName(ImageData d) {
    Map<String, Row> m = new HashMap<>();
    for (Row r : d.frame().collectAsList()) {
      String path = r.getString(r.fieldIndex("path"));
      m.put(path.substring(path.lastIndexOf('/') + 1), r);
    }
    return m;
  }

  @Test
  void classFoldersGrayscaleResampledBadFileSkipped() {
    ImageData d = load(folder, new ImageData.Shape(8, 8, 1), 1, false, null);
    assertEquals(
        Loaders.Format.IMAGES,
        Loaders.resolveFormat(
            spark(),
            new Loaders.Spec("data.train", folder.toString(), null, "features", "label", null, 0)));
    assertEquals(List.of("cat", "dog"), d.labelNames());
    assertEquals("label", d.labelColumn());
    assertEquals("path", d.idColumn());
    assertEquals("8x8x1", d.shape().toString());
    assertEquals(
        List.of("path", "features", "label", "label_name"), Arrays.asList(d.frame().columns()));
    Map<String, Row> rows = byName(d);
    // 7 image names, broken.png skipped; notes.txt is not read at all.
    assertEquals(
        List.of("big.png", "c0.png", "c1.png", "c2.png", "d0.PNG", "d1.PNG", "d2.jpg"),
        rows.keySet().stream().sorted().toList());
    for (String n : List.of("c0.png", "c1.png", "c2.png", "big.png")) {
      assertEquals(0, rows.get(n).getInt(2), n);
      assertEquals("cat", rows.get(n).getString(3));
    }
    assertEquals(1, rows.get("d2.jpg").getInt(2));
    assertEquals("dog", rows.get("d1.PNG").getString(3));
    // The 8x8 gray files come through unchanged, the 16x16 one averaged over its 2x2 blocks.
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(expectedGray(i), (byte[]) rows.get("c" + i + ".png").get(1));
    }
    assertArrayEquals(expectedGray(9), (byte[]) rows.get("big.png").get(1));
    // Colour becomes BT.601 luma.
    byte[] d0 = (byte[]) rows.get("d0.PNG").get(1);
    int r = value(0, 3, 2);
    int g = 60;
    int b = 60;
    assertEquals((299 * r + 587 * g + 114 * b + 500) / 1000, d0[2 * 8 + 3] & 0xFF);
  }

  static byte[] expectedGray(int i) {
    byte[] b = new byte[64];
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        b[y * 8 + x] = (byte) value(i, x, y);
      }
    }
    return b;
  }

  @Test
  void rgbKeepsColourInterleaved() {
    ImageData d = load(folder, new ImageData.Shape(4, 4, 3), 3, false, null);
    assertEquals("4x4x3", d.shape().toString());
    Map<String, Row> rows = byName(d);
    for (Row r : rows.values()) {
      assertEquals(48, ((byte[]) r.get(1)).length);
    }
    // d1: R = value(1, x, y), G = 20x, B = 30y at 8x8, halved: the mean of each 2x2 block.
    byte[] px = (byte[]) rows.get("d1.PNG").get(1);
    int x = 1;
    int y = 2; // covers source x 2..3, y 4..5
    double red = (value(1, 2, 4) + value(1, 3, 4) + value(1, 2, 5) + value(1, 3, 5)) / 4.0;
    assertEquals(Math.round(red), px[3 * (y * 4 + x)] & 0xFF, 1);
    assertEquals(50, px[3 * (y * 4 + x) + 1] & 0xFF);
    assertEquals(135, px[3 * (y * 4 + x) + 2] & 0xFF);
  }

  @Test
  void failModeNamesTheUnreadableFiles() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(folder, new ImageData.Shape(8, 8, 1), 1, true, null));
    assertTrue(e.getMessage().contains("1 of 8 image files cannot be read"), e.getMessage());
    assertTrue(e.getMessage().contains("dog/broken.png ("), e.getMessage());
    assertTrue(e.getMessage().contains("data.on-bad-file = fail"), e.getMessage());
  }

  @Test
  void mixedSizesWithoutATargetSizeAreRefusedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> load(folder, null, 1, false, null));
    String m = e.getMessage();
    assertTrue(m.contains("the images have different sizes"), m);
    assertTrue(m.contains("6 of 8x8 (e.g. "), m);
    assertTrue(m.contains("1 of 16x16 (e.g. ") && m.contains("cat/big.png"), m);
    assertTrue(m.contains("set data.height and data.width"), m);
  }

  @Test
  void oneSizeWithoutATargetSizeKeepsIt() throws IOException {
    Path flat = Files.createDirectories(dir.resolve("flat"));
    for (int i = 0; i < 3; i++) {
      final int k = i;
      write(ImageDecoderTest.gray(6, 5, (x, y) -> value(k, x, y)), flat.resolve(i + ".png"), "png");
    }
    ImageData d = load(flat, null, 1, false, null);
    assertEquals("5x6x1", d.shape().toString());
    assertNull(d.labelColumn());
    assertNull(d.labelNames());
    assertEquals(List.of("path", "features"), Arrays.asList(d.frame().columns()));
    assertEquals(3, d.frame().count());
  }

  @Test
  void testFolderFollowsTheTrainingNumbering() throws IOException {
    Path test = Files.createDirectories(dir.resolve("test/dog"));
    Files.createDirectories(dir.resolve("test/zebra"));
    write(ImageDecoderTest.gray(8, 8, (x, y) -> 1), test.resolve("a.png"), "png");
    write(ImageDecoderTest.gray(8, 8, (x, y) -> 2), dir.resolve("test/zebra/z.png"), "png");
    ImageData d =
        load(dir.resolve("test"), new ImageData.Shape(8, 8, 1), 1, false, folder.toString());
    assertEquals(List.of("cat", "dog", "zebra"), d.labelNames());
    Map<String, Row> rows = byName(d);
    assertEquals(1, rows.get("a.png").getInt(2)); // dog is 1 in training, though first here
    assertEquals(2, rows.get("z.png").getInt(2)); // unseen class: after the training classes
  }

  @Test
  void nothingReadableIsAnErrorEvenWhenSkipping() throws IOException {
    Path bad = Files.createDirectories(dir.resolve("bad"));
    Files.writeString(bad.resolve("a.jpg"), "text");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(bad, new ImageData.Shape(8, 8, 1), 1, false, null));
    assertTrue(e.getMessage().contains("1 of 1 image files cannot be read"), e.getMessage());
    assertTrue(e.getMessage().contains("a.jpg (not an image"), e.getMessage());

    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("readme.txt"), "x");
    IllegalArgumentException e2 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Loaders.load(
                    spark(),
                    new Loaders.Spec(
                        "data.train",
                        empty.toString(),
                        Loaders.Format.IMAGES,
                        "features",
                        "label",
                        null,
                        0)));
    assertTrue(e2.getMessage().contains("no .png, .jpg or .jpeg files"), e2.getMessage());
  }

  @Test
  void emptyImagesAreFoundByListingTheFolderWhenSparksPlanDoesNotShowItsFiles(@TempDir Path dir)
      throws IOException {
    Files.createDirectories(dir.resolve("cat"));
    Files.write(dir.resolve("cat/empty.PNG"), new byte[0]);
    Files.write(dir.resolve("cat/full.png"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("notes.txt"), new byte[0]);
    org.apache.hadoop.fs.FileSystem fs =
        org.apache.hadoop.fs.FileSystem.getLocal(spark().sparkContext().hadoopConfiguration());
    org.apache.hadoop.fs.Path root =
        fs.makeQualified(new org.apache.hadoop.fs.Path(dir.toString()));
    // An empty DataFrame's plan lists no files, as a Spark that hid its listing would.
    List<Row> rows = ImageFolders.emptyFiles(spark().emptyDataFrame(), fs, root, List.of("cat"));
    assertEquals(1, rows.size(), rows.toString());
    assertTrue(rows.get(0).getString(0).endsWith("cat/empty.PNG"), rows.toString());
    assertEquals("cat", rows.get(0).getString(3));
    assertEquals("empty file", rows.get(0).getString(6));
  }

  @Test
  void aZeroByteImageIsCountedAndNamedLikeAnyUnreadableFile() throws IOException {
    Path zero = Files.createDirectories(dir.resolve("zero/cat"));
    for (int i = 0; i < 2; i++) {
      final int k = i;
      write(ImageDecoderTest.gray(8, 8, (x, y) -> value(k, x, y)), zero.resolve(i + ".png"), "png");
    }
    Files.write(zero.resolve("empty.png"), new byte[0]);
    Files.write(zero.resolve("empty.txt"), new byte[0]); // not an image name: not read at all
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(zero.getParent(), new ImageData.Shape(8, 8, 1), 1, true, null));
    assertTrue(e.getMessage().contains("1 of 3 image files cannot be read"), e.getMessage());
    assertTrue(e.getMessage().contains("cat/empty.png (empty file"), e.getMessage());
    ImageData d = load(zero.getParent(), new ImageData.Shape(8, 8, 1), 1, false, null);
    assertEquals(List.of("0.png", "1.png"), byName(d).keySet().stream().sorted().toList());

    Path only = Files.createDirectories(dir.resolve("zero-only"));
    Files.write(only.resolve("a.png"), new byte[0]);
    IllegalArgumentException e2 =
        assertThrows(
            IllegalArgumentException.class,
            () -> load(only, new ImageData.Shape(8, 8, 1), 1, false, null));
    assertTrue(e2.getMessage().contains("1 of 1 image files cannot be read"), e2.getMessage());
  }

  @Test
  void classOfAPath() {
    int depth = new org.apache.hadoop.fs.Path("file:/data/train").depth();
    assertEquals("cat", ImageFolders.classOf("file:/data/train/cat/x.png", depth));
    assertEquals("cat", ImageFolders.classOf("file:/data/train/cat/sub/x.png", depth));
    assertNull(ImageFolders.classOf("file:/data/train/x.png", depth));
  }
}
