// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkvae.ml.params.Setting;
import io.sparkvae.ml.params.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration page embeds, per section, the table {@link Settings#markdownTable(String)}
 * generates, so the docs cannot drift from the declarations. When a setting changes, the failing
 * test writes the page as it should be to {@code target/configuration.md}: copy it over.
 */
class ConfigurationPageTest {
  static final Path PAGE = Path.of("src/site/markdown/configuration.md");
  private static final Pattern BLOCK =
      Pattern.compile(
          "<!-- generated from Settings\\.markdownTable\\(\"(\\w+)\"\\)[^>]*-->\\n(.*?)<!-- end generated -->",
          Pattern.DOTALL);

  @Test
  void everySectionTableOfTheConfigurationPageIsTheOneTheSettingsGenerate() throws IOException {
    String page = Files.readString(PAGE);
    Matcher m = BLOCK.matcher(page);
    StringBuilder expected = new StringBuilder();
    Set<String> seen = new LinkedHashSet<>();
    while (m.find()) {
      seen.add(m.group(1));
      m.appendReplacement(
          expected,
          Matcher.quoteReplacement(
              m.group(0).replace(m.group(2), Settings.markdownTable(m.group(1)))));
    }
    m.appendTail(expected);
    if (!expected.toString().equals(page)) {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target/configuration.md"), expected.toString());
    }
    assertEquals(Settings.sections(), List.copyOf(seen), "one generated table per section");
    assertEquals(
        expected.toString(),
        page,
        "configuration.md differs from the Settings declarations; the page as it should be is in "
            + "target/configuration.md");
  }

  @Test
  void everyConfigKeyHasExactlyOneRowInTheConfigurationPage() throws IOException {
    List<String> rows = new ArrayList<>();
    for (List<String> row : JobConfigTest.tableRows(Files.readString(PAGE))) {
      String first = row.get(0);
      if (first.matches("`[a-z]+(\\.[a-z-]+)+`")) {
        rows.add(first.substring(1, first.length() - 1));
      }
    }
    List<String> keys = new ArrayList<>(Settings.configKeys().stream().map(Setting::key).toList());
    keys.addAll(Settings.OPEN_SECTIONS);
    assertTrue(keys.size() > 40, "keys: " + keys.size());
    assertEquals(keys.size(), rows.size(), "one row per key, no duplicates: " + rows);
    assertEquals(Set.copyOf(keys), Set.copyOf(rows));
    assertTrue(
        Set.copyOf(keys).containsAll(JobConfig.knownKeys()), "every accepted key is documented");
  }

  /** A key's table row lives in configuration.md only; other pages link there. */
  @Test
  void noOtherPageHasATableRowForAConfigKey() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(Path.of("README.md"));
    try (var s = Files.list(Path.of("src/site/markdown"))) {
      s.filter(p -> p.toString().endsWith(".md") && !p.equals(PAGE)).forEach(pages::add);
    }
    for (Path page : pages) {
      for (List<String> row : JobConfigTest.tableRows(Files.readString(page))) {
        String cell = row.get(0).replace("`", "");
        assertFalse(
            Settings.byKey(cell) != null,
            page + " has a table row for " + cell + "; link to configuration.md instead");
      }
    }
  }
}
