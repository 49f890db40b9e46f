package io.sparkvae.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A job's configuration: {@code spark-vae-reference.conf} (every key, with its default), then the
 * user's HOCON file, then {@code --set key=value} overrides. Typesafe Config parses HOCON and
 * reports syntax errors with file and line; this class adds what it lacks: an unknown key is an
 * error naming the nearest known key, and every accessor's error names the key.
 */
public final class JobConfig {
  private static final String REFERENCE = "spark-vae-reference.conf";
  /** Free-form sections whose keys are not checked. */
  private static final List<String> OPEN_SECTIONS = List.of("spark.conf");

  private final Config config;

  private JobConfig(Config config) {
    this.config = config;
  }

  public static Config reference() {
    return ConfigFactory.parseResources(JobConfig.class.getClassLoader(), REFERENCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
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
        user = ConfigFactory.parseFile(f, ConfigParseOptions.defaults()
            .setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
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
    try {
      return new JobConfig(sets.withFallback(user).withFallback(ref).resolve());
    } catch (ConfigException e) {
      throw new UserError("configuration: " + e.getMessage(), e);
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
      return com.typesafe.config.ConfigValueFactory.fromAnyRef(s).render(
          ConfigRenderOptions.concise());
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
    throw new UserError("unknown config key '" + key + "' " + where
        + (nearest != null ? "; did you mean '" + nearest + "'?" : "")
        + " (every key is listed in the README, Configuration)");
  }

  private static void collectNullKeys(com.typesafe.config.ConfigObject obj, String prefix,
      Set<String> out) {
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      String k = prefix.isEmpty() ? quoteSegment(e.getKey()) : prefix + "." + quoteSegment(e.getKey());
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
   * The known key most like {@code key}: a small edit distance over the whole key (a typo), or
   * the same leaf name in another section ({@code train.latent} for {@code model.latent}).
   * Null when nothing is close enough to be a helpful guess.
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
      throw new UserError(key + " is required (set it in the config file or with --set "
          + key + "=...)");
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
    int v = integer(key);
    if (v <= 0) {
      throw new UserError(key + " must be a positive integer, got " + v);
    }
    return v;
  }

  public int nonNegative(String key) {
    int v = integer(key);
    if (v < 0) {
      throw new UserError(key + " must be >= 0, got " + v);
    }
    return v;
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
    double v = number(key);
    if (!(v > 0)) {
      throw new UserError(key + " must be > 0, got " + v);
    }
    return v;
  }

  public double nonNegativeNumber(String key) {
    double v = number(key);
    if (v < 0) {
      throw new UserError(key + " must be >= 0, got " + v);
    }
    return v;
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
      throw new UserError(key + " must be a list of strings, e.g. [\"x1\", \"x2\"]: "
          + e.getMessage(), e);
    }
  }

  public int[] positiveInts(String key) {
    List<Integer> l;
    try {
      l = config.getIntList(key);
    } catch (ConfigException e) {
      throw new UserError(key + " must be a list of integers, e.g. [400] or [512, 256]: "
          + e.getMessage(), e);
    }
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.get(i);
      if (out[i] <= 0) {
        throw new UserError(key + " must hold positive sizes, got " + l);
      }
    }
    return out;
  }

  /** The value, lower-cased, which must be one of {@code allowed}. */
  public String oneOf(String key, String... allowed) {
    String v = requiredString(key).trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new UserError(key + " = '" + v + "' is not allowed; expected one of "
        + String.join(", ", allowed));
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
