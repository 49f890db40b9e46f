// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.data.ColourShapes;
import io.sparkvae.data.ImageData;
import io.sparkvae.data.PngEncoder;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.SparkTestBase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate-shapes} through the real command line: what it writes loads back through the
 * loaders {@code train} uses, holds the generator's images whatever the partitioning, and bad
 * options are one-line errors naming the option.
 */
class GenerateShapesCommandTest extends SparkTestBase {
  @TempDir Path dir;

  static CommandRun generate(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("generate-shapes", "--out", out.toString()));
    args.addAll(List.of(more));
    CommandRun r = CommandRun.run(args.toArray(new String[0]));
    assertEquals(Main.EXIT_OK, r.code, r.toString());
    return r;
  }

  static CommandRun.Errors fails(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(err, true), args);
    return new CommandRun.Errors(code, err.toString());
  }

  /** Data set {@code key} loaded as train loads it, with {@code settings}. */
  static ImageData load(Path path, String... settings) {
    List<String> sets = new ArrayList<>(List.of("data.train=\"" + path + "\""));
    sets.addAll(List.of(settings));
    return Inputs.images(spark(), JobConfig.load(null, sets), "data.train");
  }

  static byte[] image(long seed, long id, int size) {
    byte[] px = new byte[3 * size * size];
    ColourShapes.render(seed, id, size, px, 0);
    return px;
  }

  @Test
  void parquetHoldsTheGeneratorsImagesAndFactorsWhateverThePartitioning() throws IOException {
    Path out = dir.resolve("shapes");
    CommandRun r = generate(out, "--rows", "24", "--seed", "3", "--partitions", "1");
    assertTrue(r.out.contains("wrote 24 images as Parquet"), r.out);
    assertTrue(Files.exists(out.resolve(GenerateShapesCommand.MARKER)));

    // As train reads it: format inferred, id and label found, 64x64x3 (the default size).
    ImageData data = load(out);
    assertEquals("features", data.featuresColumn());
    assertEquals("label", data.labelColumn());
    assertEquals("id", data.idColumn());
    assertEquals(
        List.of(
            "id", "label", "shape", "x", "y", "scale", "rotation", "hue", "background", "features"),
        List.of(data.frame().columns()));
    assertEquals(
        new ImageData.Shape(64, 64, 3),
        load(out, "data.height=64", "data.width=64", "data.channels=3").shape());
    List<Row> a = data.frame().orderBy("id").collectAsList();
    // Without data.height and width, the pictures take 12,288 values for 64x64x3.
    assertEquals(
        new ImageData.Shape(64, 64, 3), ImageData.Shape.guess(((byte[]) a.get(0).get(9)).length));
    assertEquals(24, a.size());
    for (int i = 0; i < 24; i++) {
      Row row = a.get(i);
      ColourShapes.Factors f = ColourShapes.factors(3, i);
      assertEquals(i, row.getLong(0));
      assertEquals(f.shape(), row.getInt(1));
      assertEquals(f.shapeName(), row.getString(2));
      assertEquals(f.x(), row.getDouble(3));
      assertEquals(f.y(), row.getDouble(4));
      assertEquals(f.scale(), row.getDouble(5));
      assertEquals(f.rotation(), row.getDouble(6));
      assertEquals(f.hue(), row.getDouble(7));
      assertEquals(f.background(), row.getDouble(8));
      assertArrayEquals(image(3, i, 64), (byte[]) row.get(9), "row " + i);
    }

    // A data set it wrote is refused without --overwrite, and replaced whole with it: here by
    // the same rows in five partitions, which are the same rows.
    CommandRun.assertUsageError(
        fails("generate-shapes", "--out", out.toString(), "--rows", "24"),
        "already exists and is not empty",
        "--overwrite");
    generate(out, "--rows", "24", "--seed", "3", "--partitions", "5", "--overwrite");
    assertEquals(
        5, files(out).keySet().stream().filter(k -> k.endsWith(".parquet")).count(), "5 parts");
    List<Row> b = load(out).frame().orderBy("id").collectAsList();
    for (int i = 0; i < 24; i++) {
      assertEquals(a.get(i), b.get(i), "five partitions, the same row " + i);
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertNull(
          s.filter(p -> p.getFileName().toString().startsWith(".")).findAny().orElse(null),
          "no temporary or backup left beside it");
    }
  }

  /** Every file under {@code root}, by its path inside it, with its bytes. */
  static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }

  @Test
  void aFolderOfPngsLoadsAsAnRgbImageFolderLabelledByShapeWithItsFactorsBeside()
      throws IOException {
    Path out = dir.resolve("pngs");
    generate(out, "--rows", "18", "--seed", "5", "--format", "folder", "--partitions", "3");

    ImageData data = load(out, "data.channels=3");
    assertEquals(new ImageData.Shape(64, 64, 3), data.shape());
    assertEquals(ColourShapes.SHAPES, data.labelNames(), "every shape folder, in label order");
    List<Row> rows = data.frame().select("path", "label", "features").collectAsList();
    assertEquals(18, rows.size());
    for (Row r : rows) {
      String name = Path.of(java.net.URI.create(r.getString(0))).getFileName().toString();
      int id = Integer.parseInt(name.substring(0, name.length() - ".png".length()));
      ColourShapes.Factors f = ColourShapes.factors(5, id);
      assertEquals(f.shape(), r.getInt(1), name + ": labelled by its shape folder");
      assertTrue(r.getString(0).endsWith("/" + f.shapeName() + "/" + name), r.getString(0));
      assertArrayEquals(image(5, id, 64), (byte[]) r.get(2), name + ": the generator's pixels");
    }

    List<Row> factors =
        spark()
            .read()
            .parquet(out.resolve(GenerateShapesCommand.FACTORS).toString())
            .orderBy("id")
            .collectAsList();
    assertEquals(18, factors.size());
    for (Row r : factors) {
      ColourShapes.Factors f = ColourShapes.factors(5, r.getLong(0));
      assertEquals(f.hue(), r.getDouble(r.fieldIndex("hue")));
      assertTrue(Files.isRegularFile(out.resolve(r.getString(r.fieldIndex("file")))), r.toString());
    }

    // Each file is the generator's PNG of its id, so any partitioning writes the same files.
    Map<String, byte[]> pngs = files(out);
    pngs.keySet().removeIf(k -> !k.endsWith(".png"));
    assertEquals(18, pngs.size());
    for (int id = 0; id < 18; id++) {
      String file =
          ColourShapes.factors(5, id).shapeName() + "/" + GenerateShapesCommand.fileName(id, 6);
      assertArrayEquals(PngEncoder.rgb(image(5, id, 64), 0, 64, 64), pngs.get(file), file);
    }
  }

  @Test
  void badOptionsAreOneLineErrorsNamingTheOption() throws IOException {
    String out = dir.resolve("x").toString();
    CommandRun.assertUsageError(
        fails("generate-shapes", "--out", out, "--rows", "0"), "--rows must be at least 1, got 0");
    CommandRun.assertUsageError(
        fails("generate-shapes", "--out", out, "--rows", "-5"), "--rows", "-5");
    CommandRun.assertUsageError(
        fails("generate-shapes", "--out", out, "--rows", "9", "--size", "8"),
        "--size must lie in 16..1024 pixels, got 8");
    CommandRun.assertUsageError(
        fails("generate-shapes", "--out", out, "--rows", "9", "--format", "jpeg"),
        "--format must be parquet or folder, got 'jpeg'");
    CommandRun.assertUsageError(
        fails("generate-shapes", "--out", out, "--rows", "9", "--partitions", "-1"),
        "--partitions");
    CommandRun.Errors missing = fails("generate-shapes", "--out", out);
    assertEquals(Main.EXIT_USAGE, missing.code());
    assertTrue(missing.err().contains("Missing required option: '--rows=N'"), missing.err());
    assertFalse(Files.exists(dir.resolve("x")), "nothing written");

    // An existing folder with something in it is not ours to fill or replace.
    Path mine = Files.createDirectories(dir.resolve("mine"));
    Files.writeString(mine.resolve("notes.txt"), "keep me");
    CommandRun.assertUsageError(
        fails("generate-shapes", "--out", mine.toString(), "--rows", "4"),
        "--out " + mine,
        "already exists and is not empty (notes.txt)",
        "--overwrite");
    CommandRun.assertUsageError(
        fails("generate-shapes", "--out", mine.toString(), "--rows", "4", "--overwrite"),
        "is not a data set that generate-shapes wrote (no _shapes.json");
    assertEquals("keep me", Files.readString(mine.resolve("notes.txt")));
  }
}
