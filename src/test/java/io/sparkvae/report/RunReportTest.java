// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Json;
import io.sparkvae.testing.HeadlessChromium;
import io.sparkvae.testing.HeadlessChromium.Figure;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page builders on hand-written files: escaping, the versioned part, the score page. */
class RunReportTest {
  @TempDir Path dir;

  static final String METRICS =
      """
      {"model": "784-<b>-2 relu bernoulli", "parameters": 51220,
       "epochs": [{"epoch": 1, "train_neg_elbo": 535.2012345, "train_kl": 0.000012345,
                   "seconds": 25.5, "updates": 20}],
       "test": {"neg_elbo": 393.5912, "n": 500},
       "blas": "BLAS <native> & 'quoted'",
       "training": {"rows": 2000, "params": {"a": 1}},
       "config": {"data": {"train": "x\\"><script>alert(1)</script>.gz"}, "gate": {"t": 1}},
       "provenance": {"spark_version": "4.1.0"}}
      """;

  static final String GATE =
      """
      {"run": "runs/20261202T010000Z", "promoted": false, "reason": "worse by 1.51 nats",
       "tolerance": 1.0, "new_neg_elbo": 395.1, "latest_run": "runs/20261201T010000Z",
       "latest_neg_elbo": 393.59, "time": "2026-12-02T01:00:40Z"}
      """;

  @Test
  void textIsEscapedAndFiguresCarryTheirExactValues() throws IOException {
    JsonNode m = Json.read(METRICS, "metrics");
    String html = RunReport.train(m, Map.of("samples.png", png()), null, "out/<run>");
    assertFalse(html.contains("<script>alert"), "config text must be escaped");
    assertTrue(html.contains("x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;.gz"), html);
    assertTrue(html.contains("784-&lt;b&gt;-2"), html);
    assertTrue(html.contains("BLAS &lt;native&gt; &amp; &#39;quoted&#39;"), html);
    assertTrue(html.contains("out/&lt;run&gt;"), html);
    assertTrue(
        html.contains("data-key=\"epochs.0.train_kl\" data-value=\"1.2345E-5\">1.234e-05<")
            || html.contains("data-key=\"epochs.0.train_kl\" data-value=\"1.2345E-5\">1.235e-05<"),
        html);
    assertTrue(html.contains("data-key=\"test.neg_elbo\" data-value=\"393.5912\">393.59<"), html);
    assertTrue(html.contains("src=\"data:image/png;base64,"), html);
    assertTrue(html.contains("width=\"3\" height=\"2\""), "size from the PNG header");
  }

  @Test
  void aVersionedRunShowsTheGateAndTheHistoryOfLatest() throws IOException {
    JsonNode m = Json.read(METRICS, "metrics");
    JsonNode first =
        Json.read(
            "{\"promoted\": true, \"reason\": \"first run\", "
                + "\"new_neg_elbo\": 393.59, \"time\": \"2026-12-01T01:00:40Z\"}",
            "g1");
    JsonNode gate = Json.read(GATE, "gate");
    RunReport.Versioning v =
        new RunReport.Versioning(
            "/data/vae",
            "runs/20261202T010000Z",
            gate,
            List.of(
                new RunReport.Run("runs/20261201T010000Z", first),
                new RunReport.Run("runs/20261201T120000Z", null),
                new RunReport.Run("runs/20261202T010000Z", gate)),
            "runs/20261201T010000Z");
    String html = RunReport.train(m, Map.of(), v, "/data/vae/runs/20261202T010000Z");
    assertTrue(html.contains(">Not promoted</span>: worse by 1.51 nats"), html);
    assertTrue(html.contains("no gate.json: unfinished or failed"), html);
    assertTrue(html.contains("<code id=\"latest\">runs/20261201T010000Z</code>"), html);

    Path page = dir.resolve("report.html");
    Files.writeString(page, html);
    HeadlessChromium chromium = HeadlessChromium.find(dir.resolve("chromium"));
    chromium.screenshot(page, dir.resolve("shot.png"), 1280, 1200);
    String dom = chromium.dumpDom(page);
    assertEquals("0/0", HeadlessChromium.bodyAttribute(dom, "data-images-ok"));
    assertEquals("0", HeadlessChromium.bodyAttribute(dom, "data-errors"));
    List<Figure> f = HeadlessChromium.figures(dom);
    assertTrue(f.contains(new Figure("gate.new_neg_elbo", "395.1", "395.10")), f.toString());
    assertTrue(
        f.contains(new Figure("runs.runs/20261201T010000Z.new_neg_elbo", "393.59", "393.59")),
        f.toString());
  }

  @Test
  void theScorePageListsTheTopRows() throws IOException {
    JsonNode s =
        Json.read(
            """
        {"model": "m", "data": "d<1>", "rows": 500, "ranked_by": "iwae_nll", "iwae_k": 3,
         "mean": 389.39, "median": 390.8, "p99": 560.2, "max": 626.47,
         "top": [{"rank": 1, "id": "a&b", "neg_elbo": 630.1, "iwae_nll": 626.47}]}
        """,
            "summary");
    String html = ScoreReport.page(s, png());
    assertTrue(html.contains("data-key=\"top.0.iwae_nll\" data-value=\"626.47\">626.47<"), html);
    assertTrue(html.contains("<td>a&amp;b</td>"), html);
    assertTrue(html.contains("d&lt;1&gt;"), html);
    assertTrue(html.contains("IWAE, K = 3"), html);
  }

  private static byte[] png() throws IOException {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ImageIO.write(img, "png", b);
    return b.toByteArray();
  }
}
