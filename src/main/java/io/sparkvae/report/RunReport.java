// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code report.html} of a {@code train} run: one self-contained page built from the run's written
 * {@code metrics.json} and its {@code images/} (see {@link HtmlPage}), so the page shows exactly
 * the figures of the file. For a versioned run it adds the gate's decision and the history of
 * {@code latest}, from the runs' {@code gate.json} files.
 */
public final class RunReport {
  /** The pictures train writes, in page order, with their captions. */
  private static final Map<String, String> CAPTIONS = new LinkedHashMap<>();

  static {
    CAPTIONS.put(
        "reconstructions.png", "Test images beside their reconstructions (decoded at " + "z = μ).");
    CAPTIONS.put("samples.png", "Decoder means for z drawn from N(0, I).");
    CAPTIONS.put(
        "latent.png",
        "The latent space: the decoded manifold (2-dimensional latent "
            + "space), else the latent means on their first two principal components.");
    CAPTIONS.put("latent_means.png", "The latent means of the shown rows, coloured by label.");
  }

  private static final Map<String, String> LABELS =
      Map.ofEntries(
          Map.entry("epoch", "epoch"),
          Map.entry("train_neg_elbo", "train −ELBO"),
          Map.entry("train_recon", "train recon"),
          Map.entry("train_kl", "train KL"),
          Map.entry("val_neg_elbo", "val −ELBO"),
          Map.entry("val_recon", "val recon"),
          Map.entry("val_kl", "val KL"),
          Map.entry("seconds", "seconds"),
          Map.entry("samples_per_sec", "samples/s"),
          Map.entry("rounds", "rounds"),
          Map.entry("updates", "updates"),
          Map.entry("neg_elbo", "−ELBO (nats)"),
          Map.entry("recon", "reconstruction (nats)"),
          Map.entry("kl", "KL (nats)"),
          Map.entry("n", "rows"),
          Map.entry("iwae_nll", "IWAE −log p(x) (nats)"),
          Map.entry("iwae_k", "IWAE samples K"),
          Map.entry("iwae_rows", "IWAE rows"),
          Map.entry("components", "PCA components"),
          Map.entry("pca_mse", "PCA reconstruction MSE"),
          Map.entry("vae_mse", "VAE reconstruction MSE"),
          Map.entry("n_test", "test rows"),
          Map.entry("explained_variance", "PCA explained variance"));

  /**
   * The versioned-run part: this run's {@code gate.json}, every run under the base in order with
   * its {@code gate.json} (null for a run that has none: unfinished or failed), and the run {@code
   * latest} points at once this run's decision is applied.
   */
  public record Versioning(String base, String run, JsonNode gate, List<Run> runs, String latest) {}

  /** A run under a versioned base and its gate decision (null when it has none). */
  public record Run(String name, JsonNode gate) {}

  private RunReport() {}

  /**
   * The page.
   *
   * @param metrics the parsed {@code metrics.json}
   * @param images the PNGs of {@code images/} by file name
   * @param versioning the gate and runs of a versioned run, or null
   * @param where the output directory, shown in the heading
   */
  public static String train(
      JsonNode metrics, Map<String, byte[]> images, Versioning versioning, String where) {
    HtmlPage p = new HtmlPage("spark-vae run: " + metrics.path("model").asText("?"));
    header(p, metrics, where);
    cards(p, metrics);
    if (versioning != null) {
      gate(p, versioning);
    }
    training(p, metrics, images.get("loss_curves.png"));
    test(p, metrics);
    pictures(p, images);
    config(p, metrics.path("config"));
    environment(p, metrics);
    p.raw(
        "<footer>Every figure on this page is read from <code>metrics.json</code>"
            + (versioning != null ? " (the gate's from <code>gate.json</code>)" : "")
            + "; the pictures are the files under <code>images/</code>.</footer>\n");
    return p.render();
  }

  private static void header(HtmlPage p, JsonNode m, String where) {
    p.element("h1", null, "Training run: " + m.path("model").asText("a VAE"));
    JsonNode prov = m.path("provenance");
    List<String> sub = new ArrayList<>();
    if (m.path("parameters").isNumber()) {
      sub.add(HtmlPage.text(m.path("parameters")) + " parameters");
    }
    if (prov.path("created_utc").isTextual()) {
      sub.add("finished " + prov.path("created_utc").asText());
    }
    if (prov.path("spark_vae_version").isTextual()) {
      sub.add("spark-vae " + prov.path("spark_vae_version").asText());
    }
    p.element("p", "sub", String.join(" · ", sub));
    if (where != null) {
      p.raw("<p class=\"sub\">Output: <code>" + HtmlPage.esc(where) + "</code></p>\n");
    }
  }

  private static void cards(HtmlPage p, JsonNode m) {
    StringBuilder sb = new StringBuilder("<div class=\"cards\">");
    JsonNode test = m.path("test");
    JsonNode epochs = m.path("epochs");
    JsonNode last = epochs.isArray() && epochs.size() > 0 ? epochs.get(epochs.size() - 1) : null;
    if (test.has("neg_elbo")) {
      card(
          sb,
          "test −ELBO (nats)",
          "test.neg_elbo",
          test.get("neg_elbo"),
          "recon " + HtmlPage.text(test.path("recon")) + " · KL " + HtmlPage.text(test.path("kl")));
    } else if (last != null && last.has("train_neg_elbo")) {
      card(
          sb,
          "last train −ELBO (nats)",
          "epochs." + (epochs.size() - 1) + ".train_neg_elbo",
          last.get("train_neg_elbo"),
          "no test data");
    }
    if (test.has("iwae_nll")) {
      card(
          sb,
          "IWAE −log p(x) (nats)",
          "test.iwae_nll",
          test.get("iwae_nll"),
          "K = "
              + HtmlPage.text(test.path("iwae_k"))
              + " on "
              + HtmlPage.text(test.path("iwae_rows"))
              + " rows");
    }
    JsonNode pca = m.path("baselines").path("pca");
    if (pca.has("vae_mse")) {
      card(
          sb,
          "VAE reconstruction MSE",
          "baselines.pca.vae_mse",
          pca.get("vae_mse"),
          "PCA ("
              + HtmlPage.text(pca.path("components"))
              + " components): "
              + HtmlPage.text(pca.path("pca_mse")));
    }
    if (epochs.isArray()) {
      sb.append("<div class=\"card\"><div class=\"label\">epochs</div><div class=\"value\">")
          .append(epochs.size())
          .append("</div><div class=\"more\">")
          .append(HtmlPage.esc(HtmlPage.text(m.path("training").path("updates")) + " updates"))
          .append("</div></div>");
    }
    if (m.path("seconds").isNumber()) {
      card(
          sb,
          "seconds (whole command)",
          "seconds",
          m.get("seconds"),
          HtmlPage.text(m.path("training").path("rows"))
              + " training rows in "
              + HtmlPage.text(m.path("training").path("partitions"))
              + " partitions");
    }
    p.raw(sb.append("</div>\n").toString());
  }

  private static void card(StringBuilder sb, String label, String key, JsonNode v, String more) {
    sb.append("<div class=\"card\"><div class=\"label\">")
        .append(HtmlPage.esc(label))
        .append("</div><div class=\"value\" data-key=\"")
        .append(HtmlPage.esc(key))
        .append("\" data-value=\"")
        .append(HtmlPage.esc(v.asText()))
        .append("\">")
        .append(HtmlPage.esc(HtmlPage.text(v)))
        .append("</div><div class=\"more\">")
        .append(HtmlPage.esc(more))
        .append("</div></div>");
  }

  private static void gate(HtmlPage p, Versioning v) {
    p.h2("gate", "Quality gate");
    JsonNode g = v.gate();
    if (g == null) {
      p.element("p", "note", "This run has no gate decision (gate.json) yet.");
    } else {
      boolean promoted = g.path("promoted").asBoolean(false);
      p.raw(
          "<p><span class=\""
              + (promoted ? "pass" : "fail")
              + "\" id=\"gate-decision\">"
              + (promoted ? "Promoted" : "Not promoted")
              + "</span>: "
              + HtmlPage.esc(g.path("reason").asText(""))
              + "</p>\n");
      StringBuilder sb = new StringBuilder("<table class=\"kv\"><tbody>");
      kv(sb, "new model's test −ELBO", "gate.new_neg_elbo", g.path("new_neg_elbo"));
      if (g.has("latest_run")) {
        kv(
            sb,
            "latest model's test −ELBO (" + g.path("latest_run").asText() + ")",
            "gate.latest_neg_elbo",
            g.path("latest_neg_elbo"));
      }
      kv(sb, "tolerance (nats)", "gate.tolerance", g.path("tolerance"));
      kv(sb, "test data", "gate.test_data", g.path("test_data"));
      kv(sb, "noise seed", "gate.seed", g.path("seed"));
      p.raw(sb.append("</tbody></table>\n").toString());
    }
    p.raw("<h3>History of <code>latest</code></h3>\n");
    p.element(
        "p",
        "note",
        "Every run under "
            + v.base()
            + ", oldest first; latest moves to a "
            + "run only when it passes the gate.");
    StringBuilder sb =
        new StringBuilder(
            "<table id=\"runs\"><thead><tr><th>run</th>"
                + "<th>finished (UTC)</th><th class=\"num\">test −ELBO</th><th>compared with</th>"
                + "<th class=\"num\">its −ELBO</th><th>decision</th><th>latest after it</th>"
                + "</tr></thead><tbody>");
    String pointer = null;
    for (Run r : v.runs()) {
      JsonNode rg = r.gate();
      boolean promoted = rg != null && rg.path("promoted").asBoolean(false);
      if (promoted) {
        pointer = r.name();
      }
      boolean current = r.name().equals(v.run());
      sb.append("<tr")
          .append(current ? " class=\"current\"" : "")
          .append("><td><code>")
          .append(HtmlPage.esc(r.name()))
          .append("</code>")
          .append(current ? " (this run)" : "")
          .append("</td>");
      if (rg == null) {
        sb.append("<td colspan=\"5\" class=\"note\">no gate.json: unfinished or failed</td>");
      } else {
        sb.append("<td class=\"nowrap\">")
            .append(HtmlPage.esc(rg.path("time").asText("—")))
            .append("</td>")
            .append(HtmlPage.cell("runs." + r.name() + ".new_neg_elbo", rg.path("new_neg_elbo")))
            .append("<td>")
            .append(HtmlPage.esc(rg.path("latest_run").asText("—")))
            .append("</td>")
            .append(
                HtmlPage.cell("runs." + r.name() + ".latest_neg_elbo", rg.path("latest_neg_elbo")))
            .append("<td><span class=\"")
            .append(promoted ? "pass" : "fail")
            .append("\">")
            .append(promoted ? "promoted" : "kept out")
            .append("</span></td>");
      }
      sb.append("<td><code>")
          .append(HtmlPage.esc(pointer == null ? "—" : pointer))
          .append("</code>")
          .append(
              pointer != null
                      && pointer.equals(v.latest())
                      && r == v.runs().get(v.runs().size() - 1)
                  ? " (now)"
                  : "")
          .append("</td></tr>");
    }
    p.raw(sb.append("</tbody></table>\n").toString());
    if (v.latest() != null) {
      p.raw(
          "<p><code>latest</code> → <code id=\"latest\">"
              + HtmlPage.esc(v.latest())
              + "</code></p>\n");
    }
  }

  private static void training(HtmlPage p, JsonNode m, byte[] curves) {
    p.h2("training", "Training");
    JsonNode epochs = m.path("epochs");
    if (curves != null) {
      p.raw(
          HtmlPage.figure(
              "loss_curves",
              curves,
              "loss curves",
              "Train and validation " + "−ELBO, reconstruction and KL per epoch (nats per row).",
              false));
    }
    if (!epochs.isArray() || epochs.isEmpty()) {
      p.element("p", "note", "metrics.json lists no epochs.");
      return;
    }
    List<String> keys = new ArrayList<>();
    for (JsonNode e : epochs) {
      for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!keys.contains(k)) {
          keys.add(k);
        }
      }
    }
    StringBuilder sb = new StringBuilder("<table id=\"epochs\"><thead><tr>");
    for (String k : keys) {
      sb.append("<th class=\"num\">")
          .append(HtmlPage.esc(LABELS.getOrDefault(k, k)))
          .append("</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (int i = 0; i < epochs.size(); i++) {
      sb.append("<tr>");
      for (String k : keys) {
        sb.append(HtmlPage.cell("epochs." + i + "." + k, epochs.get(i).path(k)));
      }
      sb.append("</tr>");
    }
    p.raw(sb.append("</tbody></table>\n").toString());
    p.element(
        "p",
        "note",
        "Train figures are means over the epoch's batches, validation "
            + "figures over the test set; −ELBO = reconstruction + KL, in nats per row.");
  }

  private static void test(HtmlPage p, JsonNode m) {
    JsonNode test = m.path("test");
    JsonNode pca = m.path("baselines").path("pca");
    if (test.isMissingNode() && pca.isMissingNode()) {
      return;
    }
    p.h2("test", "Test figures");
    StringBuilder sb = new StringBuilder("<div class=\"grid\">");
    if (test.isObject()) {
      sb.append("<div><h3>Test set</h3><table class=\"kv\" id=\"test-figures\"><tbody>");
      test.fields()
          .forEachRemaining(
              e ->
                  kv(
                      sb,
                      LABELS.getOrDefault(e.getKey(), e.getKey()),
                      "test." + e.getKey(),
                      e.getValue()));
      sb.append("</tbody></table>");
      if (!test.has("iwae_nll")) {
        sb.append("<p class=\"note\">No IWAE estimate (eval.iwae-k = 0).</p>");
      }
      sb.append("</div>");
    }
    sb.append("<div><h3>PCA baseline</h3>");
    if (pca.isObject()) {
      sb.append("<table class=\"kv\" id=\"pca-figures\"><tbody>");
      pca.fields()
          .forEachRemaining(
              e -> {
                if (e.getKey().equals("explained_variance") && e.getValue().isArray()) {
                  double total = 0;
                  for (JsonNode x : e.getValue()) {
                    total += x.asDouble();
                  }
                  sb.append("<tr><th>explained variance</th><td class=\"num\">")
                      .append(HtmlPage.esc(HtmlPage.number(total)))
                      .append(" (")
                      .append(e.getValue().size())
                      .append(" components)</td></tr>");
                } else if (!e.getKey().equals("note")) {
                  kv(
                      sb,
                      LABELS.getOrDefault(e.getKey(), e.getKey()),
                      "baselines.pca." + e.getKey(),
                      e.getValue());
                }
              });
      sb.append("</tbody></table>");
      if (pca.has("note")) {
        sb.append("<p class=\"note\">")
            .append(HtmlPage.esc(pca.get("note").asText()))
            .append("</p>");
      }
    } else {
      sb.append(
          "<p class=\"note\">Not computed (eval.pca-baseline = false, or no test data)." + "</p>");
    }
    p.raw(sb.append("</div></div>\n").toString());
  }

  private static void pictures(HtmlPage p, Map<String, byte[]> images) {
    List<String> names = new ArrayList<>();
    for (String n : CAPTIONS.keySet()) {
      if (images.containsKey(n)) {
        names.add(n);
      }
    }
    images.keySet().stream()
        .sorted()
        .filter(n -> !names.contains(n) && !n.equals("loss_curves.png"))
        .forEach(names::add);
    if (names.isEmpty()) {
      return;
    }
    p.h2("pictures", "Pictures");
    boolean pair = names.contains("latent.png") && names.contains("latent_means.png");
    for (String n : names) {
      if (pair && n.equals("latent.png")) {
        p.raw("<div class=\"pair\">");
      }
      String id = n.replaceAll("\\.png$", "").replaceAll("[^A-Za-z0-9_-]", "_");
      boolean grid = n.equals("reconstructions.png") || n.equals("samples.png");
      p.raw(
          HtmlPage.figure(
              id, images.get(n), n, "images/" + n + ": " + CAPTIONS.getOrDefault(n, ""), grid));
      if (pair && n.equals("latent_means.png")) {
        p.raw("</div>\n");
      }
    }
  }

  private static void config(HtmlPage p, JsonNode config) {
    if (!config.isObject()) {
      return;
    }
    p.h2("config", "Configuration");
    p.element(
        "p",
        "note",
        "The resolved configuration: defaults, the --config file and every "
            + "--set, as the run used them.");
    StringBuilder sb = new StringBuilder("<div class=\"grid\" id=\"config-tables\">");
    StringBuilder loose = new StringBuilder();
    config
        .fields()
        .forEachRemaining(
            section -> {
              if (section.getValue().isObject()) {
                sb.append("<div><h3><code>")
                    .append(HtmlPage.esc(section.getKey()))
                    .append("</code></h3><table class=\"kv\"><tbody>");
                flatten(sb, "", section.getValue(), section.getKey() + ".");
                sb.append("</tbody></table></div>");
              } else {
                configRow(loose, section.getKey(), section.getValue());
              }
            });
    if (loose.length() > 0) {
      sb.append("<div><h3>other</h3><table class=\"kv\"><tbody>")
          .append(loose)
          .append("</tbody></table></div>");
    }
    p.raw(sb.append("</div>\n").toString());
  }

  private static void flatten(StringBuilder sb, String prefix, JsonNode node, String keyPrefix) {
    node.fields()
        .forEachRemaining(
            e -> {
              if (e.getValue().isObject() && !e.getValue().isEmpty()) {
                flatten(sb, prefix + e.getKey() + ".", e.getValue(), keyPrefix);
              } else {
                configRow(sb, prefix + e.getKey(), e.getValue());
              }
            });
  }

  private static void configRow(StringBuilder sb, String key, JsonNode v) {
    sb.append("<tr><th><code>")
        .append(HtmlPage.esc(key))
        .append("</code></th><td><code>")
        .append(HtmlPage.esc(v.isTextual() ? v.asText() : v.toString()))
        .append("</code></td></tr>");
  }

  private static void environment(HtmlPage p, JsonNode m) {
    p.h2("environment", "BLAS and provenance");
    StringBuilder sb =
        new StringBuilder(
            "<div class=\"pair\"><div><h3>Provenance</h3>"
                + "<table class=\"kv\" id=\"provenance\"><tbody>");
    kv(sb, "BLAS", "blas", m.path("blas"));
    m.path("provenance")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("blas")) {
                kv(sb, e.getKey().replace('_', ' '), "provenance." + e.getKey(), e.getValue());
              }
            });
    sb.append(
        "</tbody></table></div><div><h3>Training</h3><table class=\"kv\" id=\"training\">"
            + "<tbody>");
    m.path("training")
        .fields()
        .forEachRemaining(
            e -> kv(sb, e.getKey().replace('_', ' '), "training." + e.getKey(), e.getValue()));
    p.raw(sb.append("</tbody></table></div></div>\n").toString());
  }

  private static void kv(StringBuilder sb, String label, String key, JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return;
    }
    sb.append("<tr><th>")
        .append(HtmlPage.esc(label))
        .append("</th>")
        .append(HtmlPage.cell(key, v))
        .append("</tr>");
  }
}
