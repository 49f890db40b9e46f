// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of spark-vae, declared once: the registry from which the reference configuration,
 * its documentation table, the config's validation and the Spark ML params are all derived. The
 * settings are declared per section in {@link DataSettings}, {@link ModelSettings}, {@link
 * TrainSettings}, {@link EvalSettings}, {@link LinregSettings}, {@link OutputSettings} and {@link
 * MlParamSettings}; this class lists them in that order.
 *
 * <pre>{@code
 * ModelSettings.MODEL_HIDDEN.key()          // "model.hidden"
 * ModelSettings.MODEL_HIDDEN.paramName()    // "hiddenLayers"
 * ModelSettings.MODEL_HIDDEN.defaultHocon() // "[400]"
 * Settings.byKey("train.epochs")            // the setting, or null
 * Settings.markdownTable()                  // | `data.train` | `null` | Training data: … |
 * }</pre>
 *
 * <p>To add a setting: declare it in its section's holder (key, param name, type, default, rule,
 * meaning); a new holder also goes into {@code ALL} below. A config key then exists, is validated
 * and is documented; with a param name it is also a param of the estimator or model once one of the
 * {@code *Params} interfaces returns it, and {@code train} maps the key to it.
 *
 * <p>Print the reference: {@code java -cp spark-vae.jar io.sparkvae.ml.params.Settings
 * [--markdown]}.
 */
public final class Settings {
  private Settings() {}

  /** What {@code data.on-bad-file} may say about an undecodable image file. */
  public enum OnBadFile {
    SKIP,
    FAIL;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  // The holders in declaration order; declared() initializes each fully, whichever came first.
  private static final List<Setting> ALL =
      concat(
          DataSettings.declared(),
          ModelSettings.declared(),
          TrainSettings.declared(),
          EvalSettings.declared(),
          LinregSettings.declared(),
          OutputSettings.declared(),
          MlParamSettings.declared());

  /** Sections whose keys are free-form (Spark's own settings) and not declared here. */
  public static final List<String> OPEN_SECTIONS = List.of("spark.conf");

  private static final String OPEN_SECTION_DOC =
      "extra Spark settings, passed to the session as given, e.g. "
          + "`spark.conf { \"spark.executor.memory\" = \"4g\" }`";

  private static final Map<String, Setting> BY_KEY = index(Setting::key);
  private static final Map<String, Setting> BY_PARAM = index(Setting::paramName);

  /** Every setting, in declaration order (config sections first). */
  public static List<Setting> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The settings that have a config key, in the reference configuration's order. */
  public static List<Setting> configKeys() {
    return ALL.stream().filter(s -> s.key() != null).toList();
  }

  /** The setting with config key {@code key}, or null. */
  public static Setting byKey(String key) {
    return BY_KEY.get(key);
  }

  /** The setting with Spark ML param name {@code name}, or null. */
  public static Setting byParam(String name) {
    return BY_PARAM.get(name);
  }

  /**
   * The reference configuration in HOCON: every key with its default and its meaning as a comment,
   * grouped in sections. {@code JobConfig} layers the user's file and {@code --set} over it; a key
   * that is not in it is an error.
   */
  public static String referenceHocon() {
    StringBuilder sb =
        new StringBuilder(
            "# Every configuration key of spark-vae, with its "
                + "default (generated from io.sparkvae.ml.params.Settings).\n");
    String section = null;
    for (Setting s : configKeys()) {
      String[] parts = s.key().split("\\.", 2);
      if (!parts[0].equals(section)) {
        if (section != null) {
          sb.append(openSections(section)).append("}\n\n");
        }
        section = parts[0];
        sb.append(section).append(" {\n");
      }
      sb.append("  # ").append(s.doc()).append('\n');
      sb.append("  ").append(parts[1]).append(" = ").append(s.defaultHocon()).append('\n');
    }
    return sb.append(openSections(section)).append("}\n").toString();
  }

  private static String openSections(String section) {
    StringBuilder sb = new StringBuilder();
    for (String open : OPEN_SECTIONS) {
      if (open.startsWith(section + ".")) {
        sb.append("  # Free-form settings, e.g. conf { \"spark.executor.memory\" = \"4g\" }.\n")
            .append("  ")
            .append(open.substring(section.length() + 1))
            .append(" {}\n");
      }
    }
    return sb.toString();
  }

  /**
   * The configuration table in markdown, one row per key: {@code | `key` | `default` | meaning |}
   * (the default as written in HOCON). The documentation's configuration page holds this table.
   */
  public static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    for (String section : sections()) {
      sb.append(markdownTable(section));
    }
    return sb.toString();
  }

  /** The config sections ({@code data}, {@code model}, …) in declaration order. */
  public static List<String> sections() {
    return configKeys().stream().map(s -> s.key().split("\\.", 2)[0]).distinct().toList();
  }

  /**
   * One section's table for the configuration page: {@code | `key` | `default` | meaning |} per
   * key, the default exactly as HOCON writes it. The page embeds these tables verbatim.
   */
  public static String markdownTable(String section) {
    StringBuilder sb = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    for (Setting s : configKeys()) {
      if (s.key().startsWith(section + ".")) {
        sb.append("| `")
            .append(s.key())
            .append("` | `")
            .append(s.defaultHocon())
            .append("` | ")
            .append(s.doc().replace("|", "\\|"))
            .append(" |\n");
      }
    }
    for (String open : OPEN_SECTIONS) {
      if (open.startsWith(section + ".")) {
        sb.append("| `").append(open).append("` | `{}` | ").append(OPEN_SECTION_DOC).append(" |\n");
      }
    }
    return sb.toString();
  }

  /** Prints the reference configuration, or with {@code --markdown} its table. */
  public static void main(String[] args) {
    System.out.print(
        Arrays.asList(args).contains("--markdown") ? markdownTable() : referenceHocon());
  }

  @SafeVarargs
  private static List<Setting> concat(List<Setting>... sections) {
    List<Setting> all = new ArrayList<>();
    for (List<Setting> section : sections) {
      all.addAll(section);
    }
    return all;
  }

  private static Map<String, Setting> index(Function<Setting, String> name) {
    Map<String, Setting> m = new LinkedHashMap<>();
    for (Setting s : ALL) {
      String n = name.apply(s);
      if (n != null && m.put(n, s) != null) {
        throw new ExceptionInInitializerError("declared twice: " + n);
      }
    }
    return m;
  }
}
