// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Json;
import io.sparkvae.ml.VaeEvaluator;
import io.sparkvae.ml.VariationalAutoencoderModel;
import io.sparkvae.report.ImageGrid;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every inference command through {@link Main#run} on a model trained here (tiny, on the bundled
 * sample), with its outputs read back, and the errors a user meets.
 */
class InferenceCommandsTest extends SparkTestBase {
  @TempDir static Path dir;
  static Path run;
  static final String TEST = Samples.TEST_IMAGES.toString();
  static final int LATENT = 3;
  static final int TILE = 28 * ImageGrid.defaultScale(28, 28);

  @BeforeAll
  static void trainTinyModel() {
    run = dir.resolve("train");
    CommandRun r = CommandRun.tiny("train", "--out", run.toString());
    assertEquals(0, r.code, r.toString());
  }

  private static Path out(String name) {
    return dir.resolve(name);
  }

  private static BufferedImage png(Path p) throws IOException {
    assertTrue(Files.isRegularFile(p), p + " missing");
    BufferedImage img = ImageIO.read(p.toFile());
    assertTrue(img != null, p + " is not a readable PNG");
    return img;
  }

  private static List<String> columns(Dataset<Row> df) {
    List<String> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      cols.add(f.name() + ":" + f.dataType().simpleString());
    }
    return cols;
  }

  @Test
  void encodeWritesLatentMeanAndLogVarianceWithIdAndLabel() {
    Path o = out("encode");
    CommandRun r =
        CommandRun.run("encode", "--model", run.toString(), "--data", TEST, "--out", o.toString());
    assertEquals(0, r.code, r.toString());
    Dataset<Row> df = spark().read().parquet(o.resolve("latent.parquet").toString());
    assertEquals(
        List.of(
            "id:bigint", "label:int", "latent_mean:array<float>", "latent_log_var:array<float>"),
        columns(df));
    assertEquals(500, df.count());
    Row first = df.orderBy("id").first();
    assertEquals(0L, first.getLong(0));
    assertEquals(9, first.getInt(1), "Fashion-MNIST test image 0 is an ankle boot");
    assertEquals(LATENT, first.getList(2).size());
    assertEquals(LATENT, first.getList(3).size());
    // The same numbers as the Spark ML transform a notebook user would call.
    VariationalAutoencoderModel m =
        VariationalAutoencoderModel.load(run.resolve("model").toString());
    Dataset<Row> test =
        Inputs.images(
                spark(), JobConfig.load(null, List.of("data.test=\"" + TEST + "\"")), "data.test")
            .frame();
    Vector mu = (Vector) m.transform(test.limit(1)).first().getAs("latent_mean");
    for (int j = 0; j < LATENT; j++) {
      assertEquals(mu.apply(j), ((Number) first.getList(2).get(j)).doubleValue(), 1e-6);
    }
  }

  @Test
  void scoreRanksRowsWritesParquetSummaryAndTopPicture() throws IOException {
    Path o = out("score");
    CommandRun r =
        CommandRun.run(
            "score", "--model", run.toString(), "--data", TEST, "--k", "5", "--out", o.toString());
    assertEquals(0, r.code, r.toString());
    Dataset<Row> df = spark().read().parquet(o.resolve("scores.parquet").toString());
    assertEquals(
        List.of("id:bigint", "label:int", "neg_elbo:double", "iwae_nll:double"), columns(df));
    assertEquals(500, df.count());
    JsonNode s = Json.read(Files.readString(o.resolve("score_summary.json")), "summary");
    assertEquals(500, s.path("rows").asLong());
    assertEquals("iwae_nll", s.path("ranked_by").asText());
    JsonNode top = s.path("top");
    assertEquals(32, top.size());
    double max = df.agg(functions.max("iwae_nll")).first().getDouble(0);
    assertEquals(max, top.get(0).path("iwae_nll").asDouble(), 1e-9);
    assertEquals(max, s.path("max").asDouble(), 1e-9);
    for (int i = 1; i < top.size(); i++) {
      assertTrue(
          top.get(i - 1).path("iwae_nll").asDouble() >= top.get(i).path("iwae_nll").asDouble(),
          "ranked, most anomalous first");
    }
    // The printed summary lists the top 10, the most anomalous first, by id.
    long topId = top.get(0).path("id").asLong();
    String table = r.out.substring(r.out.indexOf("rank  id"));
    String firstLine = table.split("\n")[1].trim();
    assertTrue(firstLine.startsWith("1  " + topId + " "), firstLine);
    assertTrue(table.split("\n")[10].trim().startsWith("10 "), table);
    // 32 tiles: 8 columns, 4 rows, with captions.
    BufferedImage img = png(o.resolve("top_anomalies.png"));
    assertTrue(img.getWidth() >= 8 * TILE && img.getWidth() < 8 * TILE + 100, "" + img.getWidth());
    assertTrue(img.getHeight() >= 4 * TILE + 60, "" + img.getHeight());
  }

  @Test
  void scoreWithoutKRanksByNegElbo() {
    Path o = out("score-elbo");
    CommandRun r =
        CommandRun.run(
            "score",
            "--model",
            run.resolve("model").toString(),
            "--data",
            TEST,
            "--out",
            o.toString());
    assertEquals(0, r.code, r.toString());
    Dataset<Row> df = spark().read().parquet(o.resolve("scores.parquet").toString());
    assertEquals(List.of("id:bigint", "label:int", "neg_elbo:double"), columns(df));
    assertTrue(r.out.contains("highest -ELBO first"), r.out);
  }

  @Test
  void aDataDirectoryThatIsNotParquetIsAUsageErrorNamingItNotAStackTrace() throws IOException {
    Path bad = Files.createDirectories(dir.resolve("not-parquet"));
    Files.writeString(bad.resolve("part-00000.parquet"), "these bytes are not Parquet");
    CommandRun r =
        CommandRun.run(
            "score",
            "--model",
            run.toString(),
            "--data",
            bad.toString(),
            "--format",
            "parquet",
            "--out",
            out("not-parquet").toString());
    assertEquals(Main.EXIT_USAGE, r.code, r.toString());
    assertTrue(r.err.contains("cannot read"), r.err);
    assertTrue(r.err.contains("not-parquet"), r.err);
    assertTrue(r.err.lines().count() < 10, "no stack trace: " + r.err);
  }

  @Test
  void sampleIsSeededAndWritesGridAndParquet() throws IOException {
    Path a = out("sample-a");
    Path b = out("sample-b");
    Path c = out("sample-c");
    assertEquals(
        0,
        CommandRun.run(
                "sample",
                "--model",
                run.toString(),
                "--n",
                "20",
                "--seed",
                "3",
                "--parquet",
                "--out",
                a.toString())
            .code);
    assertEquals(
        0,
        CommandRun.run(
                "sample",
                "--model",
                run.toString(),
                "--n",
                "20",
                "--seed",
                "3",
                "--parquet",
                "--out",
                b.toString())
            .code);
    assertEquals(
        0,
        CommandRun.run(
                "sample",
                "--model",
                run.toString(),
                "--n",
                "20",
                "--seed",
                "4",
                "--out",
                c.toString())
            .code);
    Dataset<Row> df = spark().read().parquet(a.resolve("samples.parquet").toString());
    assertEquals(List.of("id:bigint", "z:array<float>", "sample:array<float>"), columns(df));
    List<Row> rows = df.orderBy("id").collectAsList();
    assertEquals(20, rows.size());
    assertEquals(LATENT, rows.get(0).getList(1).size());
    assertEquals(784, rows.get(0).getList(2).size());
    List<Row> again =
        spark()
            .read()
            .parquet(b.resolve("samples.parquet").toString())
            .orderBy("id")
            .collectAsList();
    assertEquals(rows, again, "the same seed gives the same samples");
    assertFalse(Files.exists(c.resolve("samples.parquet")), "no Parquet without --parquet");
    // 20 images in rows of 8: 3 rows.
    BufferedImage img = png(a.resolve("samples.png"));
    assertTrue(img.getWidth() >= 8 * TILE && img.getHeight() >= 3 * TILE, img.toString());
    assertTrue(img.getHeight() < 4 * TILE + 60, img.toString());
    assertFalse(
        Arrays.equals(
            Files.readAllBytes(a.resolve("samples.png")),
            Files.readAllBytes(c.resolve("samples.png"))),
        "another seed, other samples");
  }

  @Test
  void reconstructDrawsPairs() throws IOException {
    Path o = out("reconstruct");
    CommandRun r =
        CommandRun.run(
            "reconstruct",
            "--model",
            run.toString(),
            "--data",
            TEST,
            "--n",
            "6",
            "--out",
            o.toString());
    assertEquals(0, r.code, r.toString());
    BufferedImage img = png(o.resolve("reconstructions.png"));
    // 4 pairs per row (8 tiles wide), 2 rows.
    assertTrue(img.getWidth() >= 8 * TILE, "" + img.getWidth());
    assertTrue(
        img.getHeight() >= 2 * TILE && img.getHeight() < 3 * TILE + 100, "" + img.getHeight());
  }

  @Test
  void evaluateReproducesTheTrainRunsTestFigures() throws IOException {
    Path o = out("evaluate");
    CommandRun r =
        CommandRun.run(
            "evaluate",
            "--model",
            run.toString(),
            "--data",
            TEST,
            "--set",
            "eval.iwae-rows=100",
            "--k",
            "10",
            "--out",
            o.toString());
    assertEquals(0, r.code, r.toString());
    JsonNode e = Json.read(Files.readString(o.resolve("evaluation.json")), "evaluation");
    for (String k :
        List.of(
            "model",
            "architecture",
            "data",
            "neg_elbo",
            "recon",
            "kl",
            "n",
            "iwae_nll",
            "iwae_k",
            "iwae_rows",
            "seed")) {
      assertTrue(e.has(k), "evaluation.json has " + k + ": " + e);
    }
    JsonNode t = Json.read(Files.readString(run.resolve("metrics.json")), "metrics").path("test");
    for (String k : List.of("neg_elbo", "recon", "kl", "iwae_nll")) {
      assertEquals(t.path(k).asDouble(), e.path(k).asDouble(), 1e-9, k);
    }
    assertEquals(500, e.path("n").asLong());
    assertEquals(100, e.path("iwae_rows").asLong());
    assertEquals(
        e.path("neg_elbo").asDouble(), e.path("recon").asDouble() + e.path("kl").asDouble(), 1e-6);
  }

  @Test
  void evaluateReadsTheConfigsTestSetWithoutData() throws IOException {
    Path conf = dir.resolve("eval.conf");
    Files.writeString(conf, "data { test = \"" + TEST + "\" }\neval { iwae-k = 0 }\n");
    Path o = out("evaluate-conf");
    CommandRun r =
        CommandRun.run(
            "evaluate",
            "--model",
            run.toString(),
            "--config",
            conf.toString(),
            "--out",
            o.toString());
    assertEquals(0, r.code, r.toString());
    JsonNode e = Json.read(Files.readString(o.resolve("evaluation.json")), "evaluation");
    assertFalse(e.has("iwae_nll"));
    assertEquals(TEST, e.path("data").asText());
  }

  @Test
  void theNotebookEquivalentsGiveTheSameFigures() {
    // What src/site/markdown/inference.md shows for users of Spark ML in a notebook or their own
    // job.
    VariationalAutoencoderModel model =
        VariationalAutoencoderModel.load(run.resolve("model").toString());
    Dataset<Row> test =
        Inputs.images(
                spark(), JobConfig.load(null, List.of("data.test=\"" + TEST + "\"")), "data.test")
            .frame();
    Dataset<Row> scored =
        model.copy(new ParamMap()).setReconstructionCol("").setIwaeSamples(5).transform(test);
    assertTrue(
        Arrays.asList(scored.columns())
            .containsAll(List.of("latent_mean", "latent_log_var", "neg_elbo", "iwae_nll")));
    assertEquals(500, scored.count());
    Dataset<Row> samples = model.sample(spark(), 10, 3);
    assertEquals(10, samples.count());
    Map<String, Object> m = VaeEvaluator.evaluate(model, test, 10, 100, "id");
    JsonNode e = Json.MAPPER.valueToTree(m);
    assertTrue(e.path("neg_elbo").asDouble() > 0);
  }

  // ---- errors ----

  @Test
  void aMissingOrCorruptModelIsAClearUsageError() throws IOException {
    CommandRun missing =
        CommandRun.run(
            "encode",
            "--model",
            dir.resolve("nope").toString(),
            "--data",
            TEST,
            "--out",
            out("e1").toString());
    assertEquals(Main.EXIT_USAGE, missing.code, missing.toString());
    assertTrue(
        missing.err.contains("--model") && missing.err.contains("no such file"), missing.err);
    assertFalse(missing.err.contains("\tat "), "no stack trace: " + missing.err);

    Path notModel = Files.createDirectories(dir.resolve("not-a-model"));
    Files.writeString(notModel.resolve("x.txt"), "x");
    CommandRun foreign =
        CommandRun.run("sample", "--model", notModel.toString(), "--out", out("e2").toString());
    assertEquals(Main.EXIT_USAGE, foreign.code, foreign.toString());
    assertTrue(foreign.err.contains("not a spark-vae model"), foreign.err);

    Path corrupt = dir.resolve("corrupt");
    Files.createDirectories(corrupt);
    for (String f : List.of("metadata.json", "weights.safetensors")) {
      Files.copy(run.resolve("model").resolve(f), corrupt.resolve(f));
    }
    byte[] w = Files.readAllBytes(corrupt.resolve("weights.safetensors"));
    w[w.length - 5] ^= 1;
    Files.write(corrupt.resolve("weights.safetensors"), w);
    CommandRun bad =
        CommandRun.run(
            "score", "--model", corrupt.toString(), "--data", TEST, "--out", out("e3").toString());
    assertEquals(Main.EXIT_USAGE, bad.code, bad.toString());
    assertTrue(bad.err.contains("SHA-256") && bad.err.contains("corrupt"), bad.err);
    assertFalse(Files.exists(out("e3")), "nothing written for a failed command");
  }

  @Test
  void dataOfAnotherDimensionNamesTheColumnAndBothSizes() {
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("id", DataTypes.LongType, false),
              DataTypes.createStructField(
                  "pixels", DataTypes.createArrayType(DataTypes.FloatType), false)
            });
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 5; i++) {
      Float[] px = new Float[100];
      Arrays.fill(px, 0.5f);
      rows.add(RowFactory.create(i, Arrays.asList(px)));
    }
    String path = dir.resolve("small.parquet").toString();
    spark().createDataFrame(rows, schema).write().parquet(path);
    CommandRun r =
        CommandRun.run(
            "score",
            "--model",
            run.toString(),
            "--data",
            path,
            "--set",
            "data.features=[pixels]",
            "--out",
            out("e4").toString());
    assertEquals(Main.EXIT_USAGE, r.code, r.toString());
    assertTrue(r.err.contains("column 'pixels' holds 100 values in the first row read"), r.err);
    assertTrue(r.err.contains("trained on 784 values per row (28x28x1 images)"), r.err);

    CommandRun e =
        CommandRun.run(
            "evaluate",
            "--model",
            run.toString(),
            "--data",
            path,
            "--set",
            "data.features=[pixels]",
            "--out",
            out("e5").toString());
    assertEquals(Main.EXIT_USAGE, e.code, e.toString());
    assertTrue(e.err.contains("pixels") && e.err.contains("784"), e.err);

    // A bad row further on is found on the executors, and reported as clearly.
    List<Row> mixed = new ArrayList<>();
    for (long i = 0; i < 6; i++) {
      Float[] px = new Float[i == 4 ? 100 : 784];
      Arrays.fill(px, 0.5f);
      mixed.add(RowFactory.create(i, Arrays.asList(px)));
    }
    String mixedPath = dir.resolve("mixed.parquet").toString();
    spark().createDataFrame(mixed, schema).coalesce(1).write().parquet(mixedPath);
    CommandRun m =
        CommandRun.run(
            "encode",
            "--model",
            run.toString(),
            "--data",
            mixedPath,
            "--set",
            "data.features=[pixels]",
            "--out",
            out("e7").toString());
    assertEquals(Main.EXIT_USAGE, m.code, m.toString());
    assertTrue(
        m.err.contains("column 'pixels' has 100 values at partition 0, row 4")
            && m.err.contains("784"),
        m.err);
    assertFalse(Files.exists(out("e7").resolve("latent.parquet")), "nothing half-written");
    CommandRun me =
        CommandRun.run(
            "evaluate",
            "--model",
            run.toString(),
            "--data",
            mixedPath,
            "--set",
            "data.features=[pixels]",
            "--out",
            out("e8").toString());
    assertEquals(Main.EXIT_USAGE, me.code, me.toString());
    assertTrue(me.err.contains("mixed dimension"), me.err);
  }

  @Test
  void anOutputDirectoryInUseNeedsOverwrite() throws IOException {
    Path o = out("in-use");
    Files.createDirectories(o);
    Files.writeString(o.resolve("notes.txt"), "mine");
    CommandRun r =
        CommandRun.run(
            "reconstruct",
            "--model",
            run.toString(),
            "--data",
            TEST,
            "--n",
            "2",
            "--out",
            o.toString());
    assertEquals(Main.EXIT_USAGE, r.code, r.toString());
    assertTrue(
        r.err.contains("already exists and is not empty") && r.err.contains("--overwrite"), r.err);
    assertFalse(Files.exists(o.resolve("reconstructions.png")));
    CommandRun again =
        CommandRun.run(
            "reconstruct",
            "--model",
            run.toString(),
            "--data",
            TEST,
            "--n",
            "2",
            "--out",
            o.toString(),
            "--overwrite");
    assertEquals(0, again.code, again.toString());
    assertTrue(Files.exists(o.resolve("reconstructions.png")));
    assertEquals("mine", Files.readString(o.resolve("notes.txt")), "other files are left alone");

    // Overwriting a Parquet output replaces it whole.
    Path enc = out("encode-twice");
    assertEquals(
        0,
        CommandRun.run("encode", "--model", run.toString(), "--data", TEST, "--out", enc.toString())
            .code);
    assertEquals(
        0,
        CommandRun.run(
                "encode",
                "--model",
                run.toString(),
                "--data",
                TEST,
                "--out",
                enc.toString(),
                "--overwrite")
            .code);
    assertEquals(500, spark().read().parquet(enc.resolve("latent.parquet").toString()).count());
  }

  @Test
  void noInputDataIsAUsageError() {
    CommandRun r =
        CommandRun.run("encode", "--model", run.toString(), "--out", out("e6").toString());
    assertEquals(Main.EXIT_USAGE, r.code, r.toString());
    assertTrue(r.err.contains("no input data: pass --data"), r.err);
  }

  @Test
  void rowsWithoutAnIdGetARowId() {
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField(
                  "features", DataTypes.createArrayType(DataTypes.FloatType), false)
            });
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Float[] px = new Float[784];
      Arrays.fill(px, i / 10f);
      rows.add(RowFactory.create(Arrays.asList(px)));
    }
    String path = dir.resolve("noid.parquet").toString();
    spark().createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    Path o = out("noid");
    CommandRun r =
        CommandRun.run("encode", "--model", run.toString(), "--data", path, "--out", o.toString());
    assertEquals(0, r.code, r.toString());
    Dataset<Row> df = spark().read().parquet(o.resolve("latent.parquet").toString());
    assertEquals(
        List.of("row_id:bigint", "latent_mean:array<float>", "latent_log_var:array<float>"),
        columns(df));
    List<Long> ids = new ArrayList<>();
    df.orderBy("row_id").collectAsList().forEach(x -> ids.add(x.getLong(0)));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L), ids);
  }

  @Test
  void modelPathsResolveFromRunDirectoriesAndPointers() throws IOException {
    org.apache.hadoop.conf.Configuration conf = spark().sparkContext().hadoopConfiguration();
    String model = run.resolve("model").toString();
    assertTrue(ModelRef.resolve(conf, model, "--model").toString().endsWith("train/model"));
    assertTrue(
        ModelRef.resolve(conf, run.toString(), "--model").toString().endsWith("train/model"));
    // A versioned base and its pointer, relative to the base.
    Path base = dir.resolve("base");
    Files.createDirectories(base.resolve("runs"));
    Files.createSymbolicLink(base.resolve("runs/20261124T083012Z"), run);
    Files.writeString(base.resolve("latest"), "runs/20261124T083012Z\n");
    assertTrue(
        ModelRef.resolve(conf, base.toString(), "--model")
            .toString()
            .endsWith("runs/20261124T083012Z/model"));
    assertTrue(
        ModelRef.resolve(conf, base.resolve("latest").toString(), "--model")
            .toString()
            .endsWith("runs/20261124T083012Z/model"));
    Files.writeString(base.resolve("latest"), "runs/gone\n");
    UserError gone =
        org.junit.jupiter.api.Assertions.assertThrows(
            UserError.class, () -> ModelRef.resolve(conf, base.toString(), "--model"));
    assertTrue(gone.getMessage().contains("points at runs/gone"), gone.getMessage());
    assertArrayEquals(new int[] {28, 28, 1}, VariationalAutoencoderModel.load(model).imageShape());
  }
}
