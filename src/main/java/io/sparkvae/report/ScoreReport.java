// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code report.html} of {@code score}: the score statistics, the most anomalous rows and their
 * picture, from the written {@code score_summary.json} and {@code top_anomalies.png} (see {@link
 * HtmlPage}).
 */
public final class ScoreReport {
  private ScoreReport() {}

  /**
   * The page.
   *
   * @param summary the parsed {@code score_summary.json}
   * @param picture {@code top_anomalies.png}, or null when the rows are not images
   */
  public static String page(JsonNode summary, byte[] picture) {
    String rank = summary.path("ranked_by").asText("neg_elbo");
    String what =
        rank.equals("iwae_nll")
            ? "−log p(x) (IWAE, K = " + HtmlPage.text(summary.path("iwae_k")) + ")"
            : "−ELBO";
    HtmlPage p = new HtmlPage("spark-vae scores: " + summary.path("data").asText(""));
    p.element("h1", null, "Anomaly scores");
    p.raw(
        "<p class=\"sub\">Model <code>"
            + HtmlPage.esc(summary.path("model").asText("?"))
            + "</code> on <code>"
            + HtmlPage.esc(summary.path("data").asText("?"))
            + "</code>; "
            + "rows ranked by "
            + HtmlPage.esc(what)
            + ", in nats: higher is more anomalous.</p>\n");
    StringBuilder sb = new StringBuilder("<table class=\"kv\" id=\"score-figures\"><tbody>");
    String[][] rows = {
      {"rows", "rows scored"},
      {"mean", "mean"},
      {"median", "median"},
      {"p99", "99th percentile"},
      {"max", "max"}
    };
    for (String[] r : rows) {
      if (summary.has(r[0])) {
        sb.append("<tr><th>")
            .append(HtmlPage.esc(r[1]))
            .append("</th>")
            .append(HtmlPage.cell(r[0], summary.get(r[0])))
            .append("</tr>");
      }
    }
    p.raw(sb.append("</tbody></table>\n").toString());
    JsonNode top = summary.path("top");
    if (picture != null) {
      p.h2("picture", "The most anomalous rows");
      p.raw(
          HtmlPage.figure(
              "top_anomalies",
              picture,
              "top anomalies",
              "top_anomalies.png: the "
                  + top.size()
                  + " highest-scoring rows, highest first, each captioned with its id "
                  + "and score.",
              true));
    }
    if (top.isArray() && !top.isEmpty()) {
      p.h2("top", "Top rows");
      List<String> keys = new ArrayList<>();
      for (JsonNode o : top) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (!keys.contains(k)) {
            keys.add(k);
          }
        }
      }
      StringBuilder t = new StringBuilder("<table id=\"top-rows\"><thead><tr>");
      for (String k : keys) {
        t.append("<th>")
            .append(
                HtmlPage.esc(
                    k.equals("neg_elbo") ? "−ELBO" : k.equals("iwae_nll") ? "−log p(x)" : k))
            .append("</th>");
      }
      t.append("</tr></thead><tbody>");
      for (int i = 0; i < top.size(); i++) {
        t.append("<tr>");
        for (String k : keys) {
          t.append(HtmlPage.cell("top." + i + "." + k, top.get(i).path(k)));
        }
        t.append("</tr>");
      }
      p.raw(t.append("</tbody></table>\n").toString());
    }
    p.raw(
        "<footer>Every figure on this page is read from <code>score_summary.json</code>; "
            + "every row's score is in <code>scores.parquet</code>.</footer>\n");
    return p.render();
  }
}
