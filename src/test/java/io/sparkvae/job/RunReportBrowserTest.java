// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkvae.io.Json;
import io.sparkvae.testing.CommandRun;
import io.sparkvae.testing.HeadlessChromium;
import io.sparkvae.testing.HeadlessChromium.Figure;
import io.sparkvae.testing.Samples;
import io.sparkvae.testing.SparkTestBase;
import io.sparkvae.testing.TrainRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code report.html} of a real (tiny) train run, and of {@code score} on its model, opened in
 * headless Chromium: the page renders, every image decodes, no script or resource error occurs, and
 * every figure on it is the figure of {@code metrics.json} (or {@code score_summary.json}). The
 * screenshots stay in target/it/report-pages/ for a look.
 */
class RunReportBrowserTest extends SparkTestBase {
  static Path DIR;

  @Test
  void trainAndScoreWriteAPageThatShowsTheirFiles() throws IOException {
    DIR = TrainRuns.freshDir("report-pages");
    HeadlessChromium chromium = HeadlessChromium.find(DIR.resolve("chromium"));
    Path out = DIR.resolve("train");
    CommandRun r =
        CommandRun.tiny(
            "train",
            "--set",
            "train.epochs=2",
            "--set",
            "eval.pca-baseline=true",
            "--set",
            "model.latent=2",
            "--out",
            out.toString());
    assertEquals(0, r.code, r.toString());
    assertTrue(r.out.contains("report.html"), r.out);
    Path page = out.resolve("report.html");
    JsonNode metrics = Json.read(Files.readString(out.resolve("metrics.json")), "metrics.json");
    long pictures;
    try (Stream<Path> s = Files.list(out.resolve("images"))) {
      pictures = s.filter(p -> p.toString().endsWith(".png")).count();
    }
    assertSelfContained(Files.readString(page));

    String dom = checkInBrowser(chromium, page, "train", pictures);
    List<Figure> figures = HeadlessChromium.figures(dom);
    Set<String> keys = new HashSet<>();
    for (Figure f : figures) {
      assertSameFigure(f, metrics);
      keys.add(f.key());
    }
    // Every figure of the per-epoch history and of the test set is on the page.
    JsonNode epochs = metrics.path("epochs");
    assertEquals(2, epochs.size());
    for (int i = 0; i < epochs.size(); i++) {
      int e = i;
      epochs
          .get(i)
          .fieldNames()
          .forEachRemaining(
              k -> assertTrue(keys.contains("epochs." + e + "." + k), "epochs." + e + "." + k));
    }
    for (String k : List.of("neg_elbo", "recon", "kl", "n", "iwae_nll", "iwae_k", "iwae_rows")) {
      assertTrue(keys.contains("test." + k), "test." + k + " missing from the page");
    }
    for (String k : List.of("pca_mse", "vae_mse", "components", "n_test")) {
      assertTrue(keys.contains("baselines.pca." + k), "baselines.pca." + k + " missing");
    }
    assertTrue(dom.contains(HtmlText.of(metrics.path("blas").asText())), "BLAS line missing");
    assertTrue(dom.contains(metrics.path("provenance").path("spark_version").asText()));

    // score's page: the summary figures, the top rows and their picture.
    Path scored = DIR.resolve("score");
    CommandRun s =
        CommandRun.run(
            "score",
            "--model",
            out.toString(),
            "--data",
            Samples.TEST_IMAGES.toString(),
            "--k",
            "3",
            "--out",
            scored.toString());
    assertEquals(0, s.code, s.toString());
    JsonNode summary = Json.read(Files.readString(scored.resolve("score_summary.json")), "s");
    assertSelfContained(Files.readString(scored.resolve("report.html")));
    String sdom = checkInBrowser(chromium, scored.resolve("report.html"), "score", 1);
    List<Figure> sf = HeadlessChromium.figures(sdom);
    for (Figure f : sf) {
      assertSameFigure(f, summary);
    }
    assertTrue(sf.stream().anyMatch(f -> f.key().equals("top.0.iwae_nll")), sdom);
    assertTrue(sf.stream().anyMatch(f -> f.key().equals("p99")), sdom);
  }

  /** Screenshot and DOM: rendered, images decoded, no errors; returns the DOM. */
  static String checkInBrowser(HeadlessChromium chromium, Path page, String name, long images)
      throws IOException {
    Path shot = chromium.screenshot(page, DIR.resolve(name + "-report.png"), 1280, 4000);
    assertTrue(Files.size(shot) > 0, shot + " is empty");
    double[] spread = HeadlessChromium.pixelSpread(shot);
    assertTrue(
        spread[0] > 50 && spread[1] > 0.05,
        "the screenshot "
            + shot
            + " looks blank: "
            + (int) spread[0]
            + " colours, "
            + spread[1]
            + " of the pixels not the background");
    String dom = chromium.dumpDom(page);
    assertEquals(
        images + "/" + images,
        HeadlessChromium.bodyAttribute(dom, "data-images-ok"),
        "images decoded / images on the page");
    assertEquals(
        "0",
        HeadlessChromium.bodyAttribute(dom, "data-errors"),
        () -> "errors on the page: " + HeadlessChromium.bodyAttribute(dom, "data-error-messages"));
    return dom;
  }

  /** The page's exact value is the file's, and the text shown is it, rounded. */
  static void assertSameFigure(Figure f, JsonNode file) {
    JsonNode n = file;
    for (String part : f.key().split("\\.")) {
      n = n.isArray() ? n.path(Integer.parseInt(part)) : n.path(part);
    }
    assertTrue(n.isNumber(), f.key() + " is on the page but not a number in the file: " + n);
    assertEquals(n.asDouble(), Double.parseDouble(f.value()), f.key());
    double shown = Double.parseDouble(f.shown().replace(",", ""));
    assertTrue(
        Math.abs(shown - n.asDouble()) <= Math.max(0.0051, 5e-4 * Math.abs(n.asDouble())),
        f.key() + ": the page shows " + f.shown() + " for " + n.asDouble());
  }

  /** Nothing is fetched: no external script, style sheet, image or frame. */
  static void assertSelfContained(String html) {
    assertFalse(
        Pattern.compile("(?i)<(link|iframe|object|embed)\\b").matcher(html).find(),
        "a <link>, <iframe>, <object> or <embed>");
    assertFalse(Pattern.compile("(?i)<script[^>]*\\bsrc=").matcher(html).find(), "a script src");
    assertFalse(
        Pattern.compile("(?i)\\bsrc=\"(?!data:)").matcher(html).find(),
        "a src that is not a data: URI");
    assertFalse(Pattern.compile("(?i)url\\(").matcher(html).find(), "a CSS url()");
  }

  /** Text as the DOM serializes it. */
  static final class HtmlText {
    static String of(String s) {
      return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
  }
}
