// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.Json;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** Spark ML params to and from JSON, with each Param's own JSON codec. */
final class ParamsJson {
  private ParamsJson() {}

  @SuppressWarnings("unchecked")
  static ObjectNode toJson(Params p) {
    ObjectNode o = Json.object();
    for (Param<?> param : p.params()) {
      if (p.isDefined(param)) {
        Param<Object> q = (Param<Object>) param;
        try {
          o.set(param.name(), Json.MAPPER.readTree(q.jsonEncode(p.getOrDefault(q))));
        } catch (IOException e) {
          throw new IllegalStateException("cannot encode param " + param.name(), e);
        }
      }
    }
    return o;
  }

  /** Sets every param in {@code o} on {@code p}; an unknown name is an error. */
  static void apply(Params p, JsonNode o, String source) throws IOException {
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!p.hasParam(e.getKey())) {
        throw new IOException(source + ": unknown param '" + e.getKey() + "'");
      }
      Param<Object> param = p.getParam(e.getKey());
      Object value;
      try {
        value = param.jsonDecode(e.getValue().toString());
      } catch (RuntimeException ex) {
        throw new IOException(
            source + ": param '" + e.getKey() + "' has an invalid value " + e.getValue(), ex);
      }
      if (!(Boolean) param.isValid().apply(value)) {
        throw new IOException(
            source + ": param '" + e.getKey() + "' = " + e.getValue() + " is out of range");
      }
      p.set(param, value);
    }
  }
}
