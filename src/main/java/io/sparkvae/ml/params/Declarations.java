// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * One holder's settings ({@link DataSettings}, …) in declaration order. Each holder keeps its own
 * list, so the registry's order does not depend on which class is initialized first.
 */
final class Declarations {
  private final List<Setting> declared = new ArrayList<>();

  Setting setting(String key, String param, Setting.Type type, String def, Rule rule, String doc) {
    Setting s = new Setting(key, param, type, def, rule, null, doc);
    declared.add(s);
    return s;
  }

  Setting config(String key, Setting.Type type, String def, String doc) {
    return setting(key, null, type, def, Rule.ANY, doc);
  }

  Setting param(String param, Setting.Type type, String def, Rule rule, String doc) {
    return setting(null, param, type, def, rule, doc);
  }

  /** A setting whose values are the config spellings of an enum's constants. */
  <E extends Enum<E>> Setting choice(
      String key, String param, E[] values, Function<E, String> spelling, E def, String doc) {
    List<String> allowed = Arrays.stream(values).map(spelling).toList();
    Setting s =
        new Setting(
            key, param, Setting.Type.STRING, spelling.apply(def), Rule.ONE_OF, allowed, doc);
    declared.add(s);
    return s;
  }

  List<Setting> declared() {
    return Collections.unmodifiableList(declared);
  }
}
