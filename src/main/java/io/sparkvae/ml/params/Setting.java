// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.List;
import java.util.function.Predicate;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * One setting, declared once: its config key ({@code model.hidden}), its Spark ML param name
 * ({@code hiddenLayers}), its type, its default, the values it allows and a one-line meaning.
 * Everything else is derived from it: the reference configuration and its table ({@link
 * Settings#referenceHocon}, {@link Settings#markdownTable}), the config's validation, the
 * estimator's and model's {@link Param}s ({@link #param}) and the CLI's config-to-param mapping.
 *
 * <p>A setting may have only a key (e.g. {@code data.train}, read by the CLI) or only a param name
 * (e.g. {@code latentMeanCol}, an ML-only output column). Instances are immutable and live in
 * {@link Settings}.
 */
public final class Setting implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The Java type of a value: decides the Spark {@link Param} class and the config accessor. */
  public enum Type {
    INT,
    LONG,
    DOUBLE,
    BOOLEAN,
    STRING,
    STRINGS,
    INTS
  }

  private final String key;
  private final String param;
  private final Type type;
  private final String defaultHocon;
  private final Rule rule;
  private final List<String> allowed;
  private final String doc;

  Setting(
      String key,
      String param,
      Type type,
      String defaultHocon,
      Rule rule,
      List<String> allowed,
      String doc) {
    this.key = key;
    this.param = param;
    this.type = type;
    this.defaultHocon = defaultHocon;
    this.rule = rule;
    this.allowed = allowed == null ? List.of() : List.copyOf(allowed);
    this.doc = doc;
  }

  /** The config key, e.g. {@code model.hidden}; null for a param that has none. */
  public String key() {
    return key;
  }

  /** The Spark ML param name, e.g. {@code hiddenLayers}; null for a config-only setting. */
  public String paramName() {
    return param;
  }

  public Type type() {
    return type;
  }

  public Rule rule() {
    return rule;
  }

  /** The allowed spellings of a {@link Rule#ONE_OF} setting, in declaration order. */
  public List<String> allowed() {
    return allowed;
  }

  /** What the setting means, in markdown: the configuration page's "meaning" cell. */
  public String doc() {
    return doc;
  }

  /** {@link #doc()} without markdown (links keep their text), for Spark's {@code explainParams}. */
  public String plainDoc() {
    return doc.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
  }

  /** The default as written in HOCON ({@code [400]}, {@code 0.001}, {@code "label"}, null). */
  public String defaultHocon() {
    return defaultHocon;
  }

  /** The default as the param's Java value (Integer, Long, Double, String, int[]…), or null. */
  public Object defaultValue() {
    if (defaultHocon.equals("null")) {
      return null;
    }
    Config c = ConfigFactory.parseString("v = " + defaultHocon);
    switch (type) {
      case INT:
        return c.getInt("v");
      case LONG:
        return c.getLong("v");
      case DOUBLE:
        return c.getDouble("v");
      case BOOLEAN:
        return c.getBoolean("v");
      case STRINGS:
        return c.getStringList("v");
      case INTS:
        return c.getIntList("v").stream().mapToInt(Integer::intValue).toArray();
      default:
        return c.getString("v");
    }
  }

  /** Why {@code value} is refused, naming this setting by {@code name}; null when it is fine. */
  public String problem(String name, Object value) {
    return rule.problem(name, value, allowed);
  }

  /**
   * This setting's Spark ML param, owned by {@code owner}. Spark compares params by owner uid and
   * name, so a param built on each call is the same param every time; the {@code HasX} interfaces
   * rely on that to declare params without fields.
   */
  public Param<?> param(Params owner) {
    if (param == null) {
      throw new IllegalStateException(key + " is not a Spark ML param");
    }
    switch (type) {
      case INT:
        return new IntParam(owner, param, plainDoc(), check(v -> problem(param, v) == null));
      case LONG:
        return new LongParam(owner, param, plainDoc(), check(v -> problem(param, v) == null));
      case DOUBLE:
        return new DoubleParam(owner, param, plainDoc(), check(v -> problem(param, v) == null));
      case INTS:
        return new IntArrayParam(owner, param, plainDoc(), check(v -> problem(param, v) == null));
      case STRING:
        return new Param<String>(owner, param, plainDoc(), check(v -> problem(param, v) == null));
      default:
        throw new IllegalStateException(param + ": no Spark ML param type for " + type);
    }
  }

  @Override
  public String toString() {
    return key != null ? key : param;
  }

  private static <T> Check<T> check(SerializablePredicate<T> test) {
    return new Check<>(test);
  }

  interface SerializablePredicate<T> extends Predicate<T>, Serializable {}

  /** A serializable Scala predicate (Spark's validators are Scala functions; params travel). */
  static final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SerializablePredicate<T> test;

    Check(SerializablePredicate<T> test) {
      this.test = test;
    }

    @Override
    public Object apply(T v) {
      return test.test(v);
    }
  }
}
