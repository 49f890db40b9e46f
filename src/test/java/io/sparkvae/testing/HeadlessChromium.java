// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.testing;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Debian's {@code chromium} run headless on a local page: a screenshot, and the DOM as it stands
 * once the page has loaded (scripts run). The tests that use it fail, never skip, when chromium is
 * missing: CI installs it ({@code .ci/run}).
 */
public final class HeadlessChromium {
  private static final List<String> NAMES =
      List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
  private static final long TIMEOUT_SECONDS = 90;

  private final String binary;
  private final Path scratch;

  private HeadlessChromium(String binary, Path scratch) {
    this.binary = binary;
    this.scratch = scratch;
  }

  /**
   * Chromium found on the PATH (or in {@code $CHROMIUM}), with a profile under {@code scratch}; an
   * AssertionError that says how to install it when it is missing.
   */
  public static HeadlessChromium find(Path scratch) {
    String env = System.getenv("CHROMIUM");
    if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
      return new HeadlessChromium(env, scratch);
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String name : NAMES) {
      for (String d : path.split(File.pathSeparator)) {
        Path p = Path.of(d.isEmpty() ? "." : d, name);
        if (Files.isExecutable(p)) {
          return new HeadlessChromium(p.toString(), scratch);
        }
      }
    }
    throw new AssertionError(
        "this test opens report.html in a headless browser, and no "
            + "chromium was found on the PATH ("
            + String.join(", ", NAMES)
            + "): install it with "
            + "`sudo apt-get install -y chromium` (Debian/Ubuntu; .ci/run does), or set $CHROMIUM "
            + "to a Chrome/Chromium binary");
  }

  /** A full-page screenshot of {@code page} at {@code width} × {@code height} CSS pixels. */
  public Path screenshot(Path page, Path png, int width, int height) throws IOException {
    Files.deleteIfExists(png);
    run(
        List.of(
            "--screenshot=" + png.toAbsolutePath(),
            "--window-size=" + width + "," + height,
            "--hide-scrollbars",
            url(page)),
        png.getFileName() + ".log");
    if (!Files.isRegularFile(png)) {
      throw new AssertionError(
          "chromium wrote no screenshot "
              + png
              + "; its output is in "
              + scratch.resolve(png.getFileName() + ".log"));
    }
    return png;
  }

  /** The serialized DOM of {@code page} after its load event (its scripts have run). */
  public String dumpDom(Path page) throws IOException {
    return run(List.of("--dump-dom", url(page)), "dump-dom.log");
  }

  private static String url(Path page) {
    return page.toAbsolutePath().toUri().toString();
  }

  private String run(List<String> args, String logName) throws IOException {
    Files.createDirectories(scratch);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--user-data-dir=" + scratch.resolve("profile").toAbsolutePath()));
    cmd.addAll(args);
    Path out = scratch.resolve(logName + ".stdout");
    Path err = scratch.resolve(logName);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("HOME", scratch.toAbsolutePath().toString());
    Process p = pb.start();
    try {
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("chromium took over " + TIMEOUT_SECONDS + " s: " + cmd);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for chromium", e);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(
          "chromium exited with "
              + p.exitValue()
              + ": "
              + cmd
              + "\n"
              + Files.readString(err, StandardCharsets.UTF_8));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** Colours in a screenshot and the share of pixels that are not the most common colour. */
  public static double[] pixelSpread(Path png) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    if (img == null) {
      throw new AssertionError(png + " is not a PNG");
    }
    Map<Integer, Integer> counts = new java.util.HashMap<>();
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int c = img.getRGB(x, y);
        colours.add(c);
        counts.merge(c, 1, Integer::sum);
      }
    }
    int total = ((img.getHeight() + 1) / 2) * ((img.getWidth() + 1) / 2);
    int top = counts.values().stream().max(Integer::compare).orElse(0);
    return new double[] {colours.size(), 1 - (double) top / total};
  }

  /** The body's attribute {@code name} in a dumped DOM, or null. */
  public static String bodyAttribute(String dom, String name) {
    Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
    if (!body.find()) {
      return null;
    }
    Matcher a =
        Pattern.compile("\\s" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(body.group(1));
    return a.find() ? unescape(a.group(1)) : null;
  }

  /** A figure on a page: its source key, exact value and the text shown. */
  public record Figure(String key, String value, String shown) {}

  /** Every element carrying {@code data-key} and {@code data-value}, in page order. */
  public static List<Figure> figures(String dom) {
    List<Figure> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("data-key=\"([^\"]*)\" data-value=\"([^\"]*)\">([^<]*)<").matcher(dom);
    while (m.find()) {
      out.add(new Figure(unescape(m.group(1)), unescape(m.group(2)), unescape(m.group(3))));
    }
    return out;
  }

  private static String unescape(String s) {
    return s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u00a0")
        .replace("&amp;", "&");
  }
}
