// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Locale;

/**
 * A self-contained HTML page: inline CSS, images as base64 {@code data:} URIs, nothing fetched from
 * anywhere, so the file can be mailed, attached to a ticket or opened offline. Every text goes
 * through {@link #esc}; every figure read from a JSON file is written as a cell that carries its
 * source key and exact value ({@code data-key}, {@code data-value}) beside the rounded text, so a
 * reader (or a test) can check the page against the file.
 *
 * <p>A tiny inline script marks the body, once the page has loaded, with how many images decoded
 * ({@code data-images-ok="N/M"}) and how many script or resource errors occurred ({@code
 * data-errors}); it changes nothing visible.
 */
public final class HtmlPage {
  private static final String CSS =
      String.join(
          "\n",
          "*{box-sizing:border-box}",
          "body{margin:0;background:#eef1f4;color:#1f2328;font:14px/1.45 system-ui,-apple-system,"
              + "'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif}",
          "main{max-width:1120px;margin:0 auto;padding:28px 36px 48px;background:#fff;"
              + "min-height:100vh}",
          "h1{font-size:24px;margin:0 0 4px}",
          "h2{font-size:18px;margin:34px 0 10px;padding-bottom:5px;border-bottom:1px solid #d0d7de}",
          "h3{font-size:15px;margin:18px 0 6px}",
          ".sub{color:#57606a;margin:0 0 4px}",
          "table{border-collapse:collapse;margin:6px 0 10px;font-variant-numeric:tabular-nums}",
          "th,td{padding:4px 10px;border-bottom:1px solid #e6eaef;text-align:left;"
              + "vertical-align:top}",
          "thead th{background:#f3f5f8;border-bottom:2px solid #d0d7de;font-weight:600;"
              + "white-space:nowrap}",
          "tbody tr:nth-child(even){background:#fafbfc}",
          "td{overflow-wrap:anywhere}",
          ".num,.nowrap{text-align:right;white-space:nowrap}",
          ".nowrap{text-align:left}",
          "td.json{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
              + "font-size:12px}",
          "table.kv th{font-weight:normal;color:#57606a;white-space:nowrap;background:none;"
              + "border-bottom:1px solid #e6eaef}",
          ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 4px}",
          ".card{border:1px solid #d0d7de;border-radius:8px;padding:8px 16px;min-width:160px}",
          ".card .label{color:#57606a;font-size:12px}",
          ".card .value{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}",
          ".card .more{color:#57606a;font-size:12px}",
          ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:6px 24px}",
          "figure{margin:14px 0 22px}",
          "figcaption{color:#57606a;margin-top:4px;max-width:900px}",
          "img{display:block;max-width:min(100%,760px);height:auto;border:1px solid #e6eaef}",
          ".pair{display:grid;grid-template-columns:1fr 1fr;gap:20px;align-items:start}",
          ".pair img{max-width:100%}",
          "img.pixels{image-rendering:pixelated}",
          "code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
              + "font-size:12.5px}",
          ".pass{color:#1a7f37;font-weight:600}",
          ".fail{color:#cf222e;font-weight:600}",
          ".note{color:#57606a;font-size:13px}",
          "tr.current td{background:#eaf5ea}",
          "footer{margin-top:36px;color:#57606a;font-size:12px}");

  /** Marks the body with the number of decoded images and of errors, on load. */
  private static final String CHECK_SCRIPT =
      String.join(
          "",
          "(function(){var errors=[];",
          "function mark(){var b=document.body;if(!b)return;var im=document.images,ok=0;",
          "for(var i=0;i<im.length;i++){if(im[i].complete&&im[i].naturalWidth>0)ok++;}",
          "b.setAttribute('data-images-ok',ok+'/'+im.length);",
          "b.setAttribute('data-errors',String(errors.length));",
          "if(errors.length)b.setAttribute('data-error-messages',errors.join(' | '));}",
          "window.addEventListener('error',function(e){var t=e.target;",
          "errors.push(e.message||('could not load '+(t&&t.tagName?t.tagName.toLowerCase()+' '",
          "+(t.id||t.alt||''):'a resource')));mark();},true);",
          "window.addEventListener('load',mark);})();");

  private final String title;
  private final StringBuilder body = new StringBuilder();

  public HtmlPage(String title) {
    this.title = title;
  }

  /** Appends HTML as it is: the caller has escaped its text. */
  public HtmlPage raw(String html) {
    body.append(html);
    return this;
  }

  /** Appends {@code <tag class="cls">text</tag>} with the text escaped. */
  public HtmlPage element(String tag, String cls, String text) {
    body.append('<').append(tag);
    if (cls != null) {
      body.append(" class=\"").append(esc(cls)).append('"');
    }
    body.append('>').append(esc(text)).append("</").append(tag).append(">\n");
    return this;
  }

  /** A section heading with an id to link to. */
  public HtmlPage h2(String id, String text) {
    body.append("<h2 id=\"").append(esc(id)).append("\">").append(esc(text)).append("</h2>\n");
    return this;
  }

  /** The whole document. */
  public String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<title>"
        + esc(title)
        + "</title>\n<style>\n"
        + CSS
        + "\n</style>\n<script>"
        + CHECK_SCRIPT
        + "</script>\n</head>\n<body>\n<main>\n"
        + body
        + "</main>\n</body>\n"
        + "</html>\n";
  }

  /** Escapes text for HTML element content and (double- or single-quoted) attribute values. */
  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            sb.append('\uFFFD'); // control characters are not allowed in HTML text
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  /**
   * A figure: the PNG embedded as a data URI at its natural size (shrunk to the page width), with
   * an escaped caption. {@code pixels} keeps the pixels sharp when the browser scales it.
   */
  public static String figure(String id, byte[] png, String alt, String caption, boolean pixels) {
    int[] size = pngSize(png);
    StringBuilder sb = new StringBuilder("<figure id=\"").append(esc(id)).append("\">");
    sb.append("<img");
    if (pixels) {
      sb.append(" class=\"pixels\"");
    }
    sb.append(" alt=\"").append(esc(alt)).append('"');
    if (size != null) {
      sb.append(" width=\"").append(size[0]).append("\" height=\"").append(size[1]).append('"');
    }
    sb.append(" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png))
        .append("\">");
    if (caption != null) {
      sb.append("<figcaption>").append(esc(caption)).append("</figcaption>");
    }
    return sb.append("</figure>\n").toString();
  }

  /** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
  public static int[] pngSize(byte[] png) {
    if (png == null
        || png.length < 24
        || (png[0] & 0xff) != 0x89
        || png[1] != 'P'
        || png[2] != 'N'
        || png[3] != 'G'
        || png[12] != 'I'
        || png[13] != 'H') {
      return null;
    }
    return new int[] {be32(png, 16), be32(png, 20)};
  }

  private static int be32(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  /**
   * A table cell for a JSON value: numbers right-aligned and rounded for reading, with the key and
   * the exact value in {@code data-key} and {@code data-value}; text escaped; null as a dash.
   */
  public static String cell(String key, JsonNode v) {
    String attributes =
        v != null && v.isContainerNode() ? " class=\"json\"" : valueAttributes(key, v);
    return "<td" + attributes + ">" + esc(text(v)) + "</td>";
  }

  /** {@code class="num" data-key=… data-value=…} for a number, nothing otherwise. */
  public static String valueAttributes(String key, JsonNode v) {
    if (v == null || !v.isNumber()) {
      return "";
    }
    return " class=\"num\" data-key=\"" + esc(key) + "\" data-value=\"" + esc(v.asText()) + "\"";
  }

  /** How a JSON value reads on the page. */
  public static String text(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return "—";
    }
    if (v.isIntegralNumber()) {
      return String.format(
          Locale.ROOT,
          v.canConvertToLong() && Math.abs(v.asLong()) >= 10_000 ? "%,d" : "%d",
          v.asLong());
    }
    if (v.isNumber()) {
      return number(v.asDouble());
    }
    if (v.isBoolean()) {
      return v.asBoolean() ? "yes" : "no";
    }
    if (v.isTextual()) {
      return v.asText();
    }
    return v.toString(); // arrays and objects: compact JSON
  }

  /** A double rounded for reading: 2 decimals from 1 up, 4 significant digits below. */
  public static String number(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return Double.toString(x);
    }
    if (x == 0) {
      return "0";
    }
    double a = Math.abs(x);
    if (a >= 1e7) {
      return String.format(Locale.ROOT, "%.4g", x);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", x);
    }
    if (a >= 1e-4) {
      return String.format(Locale.ROOT, "%.4g", x);
    }
    return String.format(Locale.ROOT, "%.3e", x);
  }
}
