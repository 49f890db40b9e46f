// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.io.Json;
import io.sparkvae.ml.VaeEvaluator;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: a model's figures on a data set, as {@code train} reports them on its test set:
 * mean −ELBO with its reconstruction and KL parts over every row, and −log p(x) by the
 * importance-weighted bound on the first {@code eval.iwae-rows} rows. The noise is keyed by the
 * model's seed, so evaluating a freshly trained model on its own test set reproduces the {@code
 * test} figures of its {@code metrics.json}. The notebook equivalent is {@link
 * VaeEvaluator#evaluate}.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Write the model's test -ELBO, its reconstruction and KL parts and IWAE "
            + "-log p(x) on the data to DIR/evaluation.json.")
public final class EvaluateCommand extends InferenceCommand {
  static final String OUTPUT = "evaluation.json";

  @Mixin DataOptions data;

  @Option(
      names = "--k",
      paramLabel = "K",
      description = "Importance samples for -log p(x) (0 = skip). Default: eval.iwae-k (100).")
  Integer k;

  @Override
  DataOptions dataOptions() {
    return data;
  }

  @Override
  int run(Context c) throws IOException {
    int iwaeK = k != null ? k : c.cfg.nonNegative("eval.iwae-k");
    if (iwaeK < 0) {
      throw new UserError("--k must be >= 0, got " + iwaeK);
    }
    int iwaeRows = c.cfg.nonNegative("eval.iwae-rows");
    long start = System.nanoTime();
    Map<String, Object> m =
        VaeEvaluator.evaluate(c.model, c.data.frame(), iwaeK, iwaeRows, c.data.idColumn());
    ObjectNode o = Json.object();
    o.put("model", c.modelPath);
    o.put("architecture", c.model.architecture().describe());
    o.put("data", c.source());
    o.setAll((ObjectNode) Json.MAPPER.valueToTree(m));
    o.put("seed", (Long) c.model.getOrDefault(c.model.seed()));
    o.put("seconds", (System.nanoTime() - start) / 1e9);
    c.out.writeText(OUTPUT, Json.write(o));
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "-ELBO %.2f nats (recon %.2f, KL %.2f) on %d rows",
                (Double) m.get("neg_elbo"),
                (Double) m.get("recon"),
                (Double) m.get("kl"),
                (Long) m.get("n")));
    if (m.containsKey("iwae_nll")) {
      sb.append(
          String.format(
              Locale.ROOT,
              "; IWAE (K=%d) -log p(x) %.2f on %d rows",
              (Integer) m.get("iwae_k"),
              (Double) m.get("iwae_nll"),
              (Long) m.get("iwae_rows")));
    }
    System.out.println(sb);
    System.out.println("evaluation: " + c.out.resolve(OUTPUT));
    return Main.EXIT_OK;
  }
}
