// SPDX-License-Identifier: Apache-2.0
package io.sparkvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The manual is README.md plus the pages under src/site/markdown/. Every relative link in them must
 * reach a file that exists, and every {@code #anchor} (on the same page or on {@code
 * page.md#anchor}) a heading of that page, with the anchors GitHub makes from headings.
 */
class DocsLinksTest {

  /**
   * {@code [text](target)} and {@code ![alt](target)}, target without spaces; an optional title.
   */
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");

  @Test
  void everyRelativeLinkInTheManualReachesAFileAndEveryAnchorAHeading() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : manualPages()) {
      for (String target : links(Files.readString(page))) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue; // https:, mailto: and other absolute links
        }
        checked++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path dir = page.getParent() == null ? Path.of("") : page.getParent();
        Path resolved = file.isEmpty() ? page : dir.resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(page + ": " + target + " (no file " + resolved + ")");
          continue;
        }
        if (anchor != null && !anchors(resolved).contains(anchor)) {
          broken.add(
              page
                  + ": "
                  + target
                  + " (no heading with anchor #"
                  + anchor
                  + " in "
                  + resolved
                  + ")");
        }
      }
    }
    assertEquals(List.of(), broken, "broken links");
    assertTrue(checked > 50, "relative links checked: " + checked);
  }

  @Test
  void headingAnchorsFollowGitHubsRule() {
    assertEquals(
        List.of("which-data---data---format-and-data"),
        List.copyOf(headingAnchors("### Which data: `--data`, `--format` and `data.*`")));
    assertEquals(
        List.of("1-linear-regression-as-maximum-likelihood"),
        List.copyOf(headingAnchors("### 1. Linear regression as maximum likelihood")));
    assertEquals(List.of("elbo", "elbo-1"), List.copyOf(headingAnchors("## ELBO\n\n## ELBO\n")));
    assertEquals(
        List.of("warm-starts-traininit-model"),
        List.copyOf(headingAnchors("### Warm starts: `train.init-model`")));
  }

  private static List<Path> manualPages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(Path.of("README.md"));
    try (Stream<Path> s = Files.list(Path.of("src/site/markdown"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 10, "pages: " + pages);
    return pages;
  }

  /** Link targets outside fenced code blocks and inline code spans. */
  static List<String> links(String markdown) {
    List<String> out = new ArrayList<>();
    for (String line : proseLines(markdown)) {
      Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private static final Map<Path, Set<String>> ANCHORS = new HashMap<>();

  private static Set<String> anchors(Path file) throws IOException {
    if (!file.toString().endsWith(".md")) {
      return Set.of();
    }
    Set<String> a = ANCHORS.get(file);
    if (a == null) {
      a = headingAnchors(Files.readString(file));
      ANCHORS.put(file, a);
    }
    return a;
  }

  /**
   * GitHub's anchors: the heading's text (link targets and markup dropped), lower case, every
   * character but letters, digits, marks, connector punctuation ({@code _}), spaces and {@code -}
   * removed, spaces turned into {@code -}; a repeated anchor gets {@code -1}, {@code -2}, ….
   */
  static Set<String> headingAnchors(String markdown) {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : proseLines(markdown)) {
      Matcher m = HEADING.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String text = m.group(2).replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
      String slug =
          text.toLowerCase(java.util.Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      out.add(n == 0 ? slug : slug + "-" + n);
    }
    return out;
  }

  /** The lines of a markdown text that are not inside a fenced code block. */
  private static List<String> proseLines(String markdown) {
    List<String> out = new ArrayList<>();
    String fence = null;
    for (String line : markdown.split("\n", -1)) {
      String t = line.strip();
      if (fence == null && (t.startsWith("```") || t.startsWith("~~~"))) {
        fence = t.substring(0, 3);
        continue;
      }
      if (fence != null) {
        if (t.startsWith(fence)) {
          fence = null;
        }
        continue;
      }
      out.add(line);
    }
    return out;
  }
}
