package io.sparkvae.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

  @Test
  void defaultsFileAndOverridesLayerInThatOrder(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("job.conf");
    Files.writeString(f, "train { epochs = 3, batch-size = 64 }\nmodel.hidden = [256, 128]\n");
    JobConfig c = JobConfig.load(f.toString(), List.of("train.epochs=7", "data.train=x/y.idx",
        "spark.conf.\"spark.executor.memory\"=4g"));
    assertEquals(7, c.positive("train.epochs"));
    assertEquals(64, c.positive("train.batch-size"));
    assertArrayEquals(new int[] {256, 128}, c.positiveInts("model.hidden"));
    assertEquals(20, c.positive("model.latent"));
    assertEquals("x/y.idx", c.requiredString("data.train"));
    assertNull(c.string("data.test"));
    assertEquals("4g", c.sparkConf().get("spark.executor.memory"));
  }

  @Test
  void anUnknownKeyNamesTheNearestKnownOne(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("job.conf");
    Files.writeString(f, "train.epoch = 3\n");
    UserError e = assertThrows(UserError.class, () -> JobConfig.load(f.toString(), List.of()));
    assertTrue(e.getMessage().contains("unknown config key 'train.epoch'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'train.epochs'?"), e.getMessage());
    UserError s = assertThrows(UserError.class,
        () -> JobConfig.load(null, List.of("model.latnet=4")));
    assertTrue(s.getMessage().contains("did you mean 'model.latent'?"), s.getMessage());
    UserError n = assertThrows(UserError.class,
        () -> JobConfig.load(null, List.of("data.tset=null")));
    assertTrue(n.getMessage().contains("did you mean 'data.test'?"), n.getMessage());
  }

  @Test
  void invalidValuesNameTheKey() {
    assertMessage("train.batch-size must be a positive integer, got -5",
        () -> JobConfig.load(null, List.of("train.batch-size=-5")).positive("train.batch-size"));
    assertMessage("model.latent must be a positive integer, got 0",
        () -> JobConfig.load(null, List.of("model.latent=0")).positive("model.latent"));
    assertMessage("train.learning-rate must be > 0, got 0.0",
        () -> JobConfig.load(null, List.of("train.learning-rate=0"))
            .positiveNumber("train.learning-rate"));
    assertMessage("model.activation = 'sigmoid' is not allowed; expected one of relu",
        () -> JobConfig.load(null, List.of("model.activation=sigmoid"))
            .oneOf("model.activation", "relu", "leaky-relu", "tanh"));
    assertMessage("train.epochs must be an integer",
        () -> JobConfig.load(null, List.of("train.epochs=ten")).positive("train.epochs"));
    assertMessage("data.train is required",
        () -> JobConfig.load(null, List.of()).requiredString("data.train"));
    assertMessage("--config /no/such.conf: no such file",
        () -> JobConfig.load("/no/such.conf", List.of()));
  }

  @Test
  void aSyntaxErrorNamesTheFileAndLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.conf");
    Files.writeString(f, "train {\n  epochs = 3\n  batch-size = [\n");
    UserError e = assertThrows(UserError.class, () -> JobConfig.load(f.toString(), List.of()));
    assertTrue(e.getMessage().contains("bad.conf"), e.getMessage());
    assertTrue(e.getMessage().matches("(?s).*: [34]:.*"), "line number: " + e.getMessage());
  }

  /**
   * src/site/markdown/configuration.md holds one table row {@code | `key` | `default` | meaning |}
   * per key of spark-vae-reference.conf, and the default cell is the reference value rendered by
   * the rule stated on that page: strings without quotes, everything else (numbers, booleans,
   * lists, {@code {}}, {@code null}) as HOCON writes it.
   */
  @Test
  void everyConfigKeyHasExactlyOneRowInTheConfigurationPageWithItsDefault() throws IOException {
    Map<String, String> reference = referenceDefaults();
    assertTrue(reference.size() > 40, "reference keys: " + reference.size());
    assertTrue(reference.keySet().containsAll(JobConfig.knownKeys()),
        "every key the job accepts is a reference key");

    Map<String, String> documented = new TreeMap<>();
    List<String> duplicates = new ArrayList<>();
    for (List<String> row : tableRows(Files.readString(CONFIGURATION_PAGE))) {
      String key = unquote(row.get(0));
      if (!key.matches("[a-z]+(\\.[a-z-]+)+")) {
        continue;
      }
      if (documented.put(key, unquote(row.get(1))) != null) {
        duplicates.add(key);
      }
    }
    assertEquals(List.of(), duplicates, "keys with more than one row");
    Set<String> missing = new TreeSet<>(reference.keySet());
    missing.removeAll(documented.keySet());
    Set<String> extra = new TreeSet<>(documented.keySet());
    extra.removeAll(reference.keySet());
    assertEquals(Set.of(), missing, "reference keys without a row in " + CONFIGURATION_PAGE);
    assertEquals(Set.of(), extra, "rows for keys that are not in the reference");
    for (Map.Entry<String, String> e : reference.entrySet()) {
      assertEquals(e.getValue(), documented.get(e.getKey()), "default of " + e.getKey());
    }
  }

  /** A key's table row lives in configuration.md only; other pages link there. */
  @Test
  void noOtherPageHasATableRowForAConfigKey() throws IOException {
    Set<String> keys = referenceDefaults().keySet();
    List<Path> pages = new ArrayList<>();
    pages.add(Path.of("README.md"));
    try (var s = Files.list(Path.of("src/site/markdown"))) {
      s.filter(p -> p.toString().endsWith(".md") && !p.equals(CONFIGURATION_PAGE))
          .forEach(pages::add);
    }
    for (Path page : pages) {
      for (List<String> row : tableRows(Files.readString(page))) {
        assertFalse(keys.contains(unquote(row.get(0))),
            page + " has a table row for " + row.get(0) + "; link to configuration.md instead");
      }
    }
  }

  private static final Path CONFIGURATION_PAGE = Path.of("src/site/markdown/configuration.md");

  /** Every leaf of the reference (an empty object such as spark.conf counts as one). */
  private static Map<String, String> referenceDefaults() {
    Config ref = ConfigFactory.parseResources("spark-vae-reference.conf");
    Map<String, String> out = new TreeMap<>();
    collectLeaves(ref.root(), "", out);
    return out;
  }

  private static void collectLeaves(ConfigObject obj, String prefix, Map<String, String> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT && !((ConfigObject) v).isEmpty()) {
        collectLeaves((ConfigObject) v, key, out);
      } else {
        out.put(key, switch (v.valueType()) {
          case STRING -> (String) v.unwrapped();
          case NUMBER -> numberAsWritten(v);
          default -> v.render(ConfigRenderOptions.concise());
        });
      }
    }
  }

  /** A number as the reference file spells it ({@code 1.0}, {@code 1e-12}), from its own line. */
  private static String numberAsWritten(ConfigValue v) {
    try (var in = JobConfigTest.class.getResourceAsStream("/spark-vae-reference.conf")) {
      String line = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
          .split("\n")[v.origin().lineNumber() - 1];
      return line.substring(line.indexOf('=') + 1).replaceFirst("#.*", "").strip();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The cells of every markdown table row outside fenced code, header and rule rows included. */
  static List<List<String>> tableRows(String markdown) {
    List<List<String>> rows = new ArrayList<>();
    boolean fenced = false;
    for (String line : markdown.split("\n")) {
      String t = line.strip();
      if (t.startsWith("```")) {
        fenced = !fenced;
      }
      if (fenced || !t.startsWith("|")) {
        continue;
      }
      List<String> cells = new ArrayList<>();
      for (String c : t.substring(1).split("(?<!\\\\)\\|", -1)) {
        cells.add(c.strip());
      }
      if (cells.size() >= 2) {
        rows.add(cells);
      }
    }
    return rows;
  }

  private static String unquote(String cell) {
    return cell.length() >= 2 && cell.startsWith("`") && cell.endsWith("`")
        ? cell.substring(1, cell.length() - 1) : cell;
  }

  @Test
  void nearestOnlySuggestsCloseKeys() {
    assertEquals("train.epochs", JobConfig.nearest("train.epoch", Set.of("train.epochs",
        "model.latent")));
    assertNull(JobConfig.nearest("completely.unrelated.thing", Set.of("train.epochs")));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
    UserError u = assertThrows(UserError.class, e);
    assertTrue(u.getMessage().contains(expected), u.getMessage());
  }
}
