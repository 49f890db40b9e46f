// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.sparkvae.ml.params.Rule;
import io.sparkvae.ml.params.Setting;
import io.sparkvae.ml.params.Settings;
import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job's configuration: the reference configuration (every key of {@link Settings}, with its
 * default), then the user's HOCON file, then {@code --set key=value} overrides. Typesafe Config
 * parses HOCON and reports syntax errors with file and line; this class adds what it lacks: an
 * unknown key is an error naming the nearest known key, every declared key is checked against its
 * {@link Setting}'s rule when the configuration is loaded, and every accessor's error names the
 * key.
 */
public final class JobConfig {
  /** Free-form sections whose keys are not checked. */
  private static final List<String> OPEN_SECTIONS = Settings.OPEN_SECTIONS;

  private final Config config;

  private JobConfig(Config config) {
    this.config = config;
  }

  /** Every key with its default, from {@link Settings#referenceHocon()}. */
  public static Config reference() {
    return ConfigFactory.parseString(
        Settings.referenceHocon(), ConfigParseOptions.defaults().setOriginDescription("defaults"));
  }

  /** Loads {@code file} (may be null) with {@code overrides} ("key=value" strings). */
  public static JobConfig load(String file, List<String> overrides) {
    Config ref = reference();
    Config user = ConfigFactory.empty();
    if (file != null) {
      File f = new File(file);
      if (!f.isFile()) {
        throw new UserError("--config " + file + ": no such file");
      }
      try {
        user =
            ConfigFactory.parseFile(
                f,
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
      } catch (ConfigException e) {
        throw new UserError("--config " + file + ": " + e.getMessage(), e);
      }
      checkKeys(user, ref, "in " + file);
    }
    Config sets = ConfigFactory.empty();
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new UserError("--set " + o + ": expected key=value, e.g. --set train.epochs=5");
      }
      String key = o.substring(0, eq).trim();
      String value = o.substring(eq + 1).trim();
      Config one;
      try {
        one = ConfigFactory.parseString(quoteKey(key) + " = " + value);
        if (!value.startsWith("\"") && cutShort(one, key, value)) {
          // HOCON read '#' or '//' in an unquoted string as a comment: "/data/run#2" would be
          // "/data/run". The whole value is meant, so it is taken as a quoted string.
          one = ConfigFactory.parseString(quoteKey(key) + " = " + ConfigValueQuote.quote(value));
        }
      } catch (ConfigException e) {
        try {
          one = ConfigFactory.parseString(quoteKey(key) + " = " + ConfigValueQuote.quote(value));
        } catch (ConfigException e2) {
          throw new UserError("--set " + o + ": " + e.getMessage(), e);
        }
      }
      checkKeys(one, ref, "in --set " + o);
      sets = one.withFallback(sets);
    }
    JobConfig c;
    try {
      c = new JobConfig(sets.withFallback(user).withFallback(ref).resolve());
    } catch (ConfigException e) {
      throw new UserError("configuration: " + e.getMessage(), e);
    }
    // Refuse a bad value before any work starts, whichever command reads it.
    for (Setting s : Settings.configKeys()) {
      c.value(s);
    }
    return c;
  }

  /** True when {@code key} parsed to a string that is not the whole of {@code value}. */
  private static boolean cutShort(Config one, String key, String value) {
    try {
      com.typesafe.config.ConfigValue v = one.getValue(key);
      return v.valueType() == com.typesafe.config.ConfigValueType.STRING
          && !value.equals(v.unwrapped());
    } catch (ConfigException e) {
      return false; // a substitution, say: left to HOCON
    }
  }

  private static String quoteKey(String key) {
    for (String part : key.split("\\.", -1)) {
      if (part.isEmpty()) {
        throw new UserError("--set " + key + ": empty key segment");
      }
    }
    return key;
  }

  /** Tiny helper: HOCON quoting of an arbitrary string value. */
  private static final class ConfigValueQuote {
    static String quote(String s) {
      return com.typesafe.config.ConfigValueFactory.fromAnyRef(s)
          .render(ConfigRenderOptions.concise());
    }
  }

  private static void checkKeys(Config given, Config ref, String where) {
    Set<String> known = leafKeys(ref);
    for (String k : leafKeys(given)) {
      check(k, known, where);
    }
  }

  /** Every leaf path, including those whose value is null (absent from entrySet()). */
  private static Set<String> leafKeys(Config c) {
    Set<String> keys = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      keys.add(e.getKey());
    }
    collectNullKeys(c.root(), "", keys);
    return keys;
  }

  private static void check(String key, Set<String> known, String where) {
    for (String open : OPEN_SECTIONS) {
      if (key.startsWith(open + ".")) {
        return;
      }
    }
    if (known.contains(key)) {
      return;
    }
    String nearest = nearest(key, known);
    throw new UserError(
        "unknown config key '"
            + key
            + "' "
            + where
            + (nearest != null ? "; did you mean '" + nearest + "'?" : "")
            + " (every key is listed in src/site/markdown/configuration.md)");
  }

  private static void collectNullKeys(
      com.typesafe.config.ConfigObject obj, String prefix, Set<String> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String k =
          prefix.isEmpty() ? quoteSegment(e.getKey()) : prefix + "." + quoteSegment(e.getKey());
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.NULL) {
        out.add(k);
      } else if (v.valueType() == ConfigValueType.OBJECT) {
        collectNullKeys((com.typesafe.config.ConfigObject) v, k, out);
      }
    }
  }

  private static String quoteSegment(String s) {
    return s.matches("[A-Za-z0-9_-]+") ? s : "\"" + s + "\"";
  }

  /**
   * The known key most like {@code key}: a small edit distance over the whole key (a typo), or the
   * same leaf name in another section ({@code train.latent} for {@code model.latent}). Null when
   * nothing is close enough to be a helpful guess.
   */
  static String nearest(String key, Set<String> known) {
    String k0 = key.toLowerCase(Locale.ROOT);
    String leaf0 = k0.substring(k0.lastIndexOf('.') + 1);
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    for (String k : known) {
      String k1 = k.toLowerCase(Locale.ROOT);
      String leaf1 = k1.substring(k1.lastIndexOf('.') + 1);
      int d = levenshtein(k0, k1);
      int dl = levenshtein(leaf0, leaf1);
      int score;
      if (d <= Math.max(2, k0.length() / 4)) {
        score = d;
      } else if (dl <= Math.max(1, leaf0.length() / 4)) {
        score = 100 + dl;
      } else {
        continue;
      }
      if (score < bestScore) {
        bestScore = score;
        best = k;
      }
    }
    return best;
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Every key of the reference configuration (for documentation checks). */
  public static Set<String> knownKeys() {
    return leafKeys(reference());
  }

  // ---- typed accessors; every error names the key ----

  public Config raw() {
    return config;
  }

  public boolean isNull(String key) {
    return !config.hasPath(key);
  }

  public String string(String key) {
    try {
      return config.hasPath(key) ? config.getString(key) : null;
    } catch (ConfigException e) {
      throw new UserError(key + ": " + e.getMessage(), e);
    }
  }

  public String requiredString(String key) {
    String s = string(key);
    if (s == null || s.isBlank()) {
      throw new UserError(
          key + " is required (set it in the config file or with --set " + key + "=...)");
    }
    return s;
  }

  public int integer(String key) {
    try {
      return config.getInt(key);
    } catch (ConfigException e) {
      throw new UserError(key + " must be an integer: " + e.getMessage(), e);
    }
  }

  public Integer optionalInteger(String key) {
    return config.hasPath(key) ? integer(key) : null;
  }

  public int positive(String key) {
    return checked(key, integer(key), Rule.POSITIVE);
  }

  public int nonNegative(String key) {
    return checked(key, integer(key), Rule.NON_NEGATIVE);
  }

  public long longValue(String key) {
    try {
      return config.getLong(key);
    } catch (ConfigException e) {
      throw new UserError(key + " must be an integer: " + e.getMessage(), e);
    }
  }

  public double number(String key) {
    try {
      double v = config.getDouble(key);
      if (!Double.isFinite(v)) {
        throw new UserError(key + " must be a finite number, got " + v);
      }
      return v;
    } catch (ConfigException e) {
      throw new UserError(key + " must be a number: " + e.getMessage(), e);
    }
  }

  public double positiveNumber(String key) {
    return checked(key, number(key), Rule.POSITIVE);
  }

  public double nonNegativeNumber(String key) {
    return checked(key, number(key), Rule.NON_NEGATIVE);
  }

  public boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      throw new UserError(key + " must be true or false: " + e.getMessage(), e);
    }
  }

  public List<String> strings(String key) {
    try {
      return config.getStringList(key);
    } catch (ConfigException e) {
      throw new UserError(
          key + " must be a list of strings, e.g. [\"x1\", \"x2\"]: " + e.getMessage(), e);
    }
  }

  public int[] positiveInts(String key) {
    List<Integer> l;
    try {
      l = config.getIntList(key);
    } catch (ConfigException e) {
      throw new UserError(
          key + " must be a list of integers, e.g. [400] or [512, 256]: " + e.getMessage(), e);
    }
    return checked(key, l.stream().mapToInt(Integer::intValue).toArray(), Rule.POSITIVE);
  }

  /** The value, lower-cased, which must be one of {@code allowed}. */
  public String oneOf(String key, String... allowed) {
    String v = requiredString(key).trim().toLowerCase(Locale.ROOT);
    return checked(key, v, Rule.ONE_OF, List.of(allowed));
  }

  /** The value of a {@link Rule#ONE_OF} setting, lower-cased, e.g. {@code "leaky-relu"}. */
  public String oneOf(Setting s) {
    return oneOf(s.key(), s.allowed().toArray(new String[0]));
  }

  /**
   * The value of {@code s} as its Spark ML param holds it (Integer, Long, Double, Boolean, String,
   * int[] or a list of strings), checked by its rule; null when the key is null.
   */
  public Object value(Setting s) {
    String key = s.key();
    if (isNull(key)) {
      return null;
    }
    switch (s.type()) {
      case INT:
        return checked(key, integer(key), s.rule());
      case LONG:
        return checked(key, longValue(key), s.rule());
      case DOUBLE:
        return checked(key, number(key), s.rule());
      case BOOLEAN:
        return bool(key);
      case STRINGS:
        return strings(key);
      case INTS:
        return positiveInts(key);
      default:
        if (s.rule() == Rule.ONE_OF) {
          return oneOf(s);
        }
        return checked(key, string(key), s.rule());
    }
  }

  private static <T> T checked(String key, T value, Rule rule) {
    return checked(key, value, rule, List.of());
  }

  private static <T> T checked(String key, T value, Rule rule, List<String> allowed) {
    String problem = rule.problem(key, value, allowed);
    if (problem != null) {
      throw new UserError(problem);
    }
    return value;
  }

  /** Settings under spark.conf as key/value strings. */
  public Map<String, String> sparkConf() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    if (config.hasPath("spark.conf")) {
      for (Map.Entry<String, ConfigValue> e : config.getConfig("spark.conf").entrySet()) {
        String k = e.getKey().replace("\"", "");
        m.put(k, String.valueOf(e.getValue().unwrapped()));
      }
    }
    return m;
  }

  /** The effective configuration as JSON (recorded with every run). */
  public String renderJson() {
    return config.root().render(ConfigRenderOptions.concise().setFormatted(true));
  }
}
