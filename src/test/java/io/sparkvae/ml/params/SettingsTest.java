// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.sparkvae.ml.VariationalAutoencoder;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.junit.jupiter.api.Test;

class SettingsTest {

  /** The keys and defaults of the file the registry replaced, which users' configs rely on. */
  @Test
  void theRegistryKeepsEveryKeyAndDefaultOfTheFormerReferenceFile() {
    Config old = ConfigFactory.parseResources("reference-defaults-2026-12.conf");
    Config now = ConfigFactory.parseString(Settings.referenceHocon());
    Set<String> oldKeys = leaves(old);
    // Keys declared since that file, each on purpose.
    Set<String> added =
        Set.of(
            "train.checkpoint-every-minutes",
            "train.batch-mode",
            "train.learning-rate-scaling",
            "train.learning-rate-warmup-epochs",
            "train.min-rows-per-step",
            "train.outer-optimizer",
            "train.outer-learning-rate",
            "train.outer-momentum",
            "train.outer-warmup-epochs",
            "train.optimizer-state",
            "train.sync-warmup-epochs",
            "train.early-stopping",
            "train.early-stopping-min-delta",
            "train.ema-decay",
            "model.type",
            "model.conv.channels",
            "model.conv.kernel",
            "model.conv.stride",
            "model.conv.padding");
    Set<String> nowKeys = new java.util.TreeSet<>(leaves(now));
    assertTrue(nowKeys.containsAll(added), nowKeys.toString());
    nowKeys.removeAll(added);
    assertEquals(new java.util.TreeSet<>(oldKeys), nowKeys);
    // Defaults changed since that file, each on purpose (training.md, "Scale-out modes").
    Map<String, Object> changed = Map.of("train.aggregation-depth", 0);
    for (String k : oldKeys) {
      assertEquals(changed.getOrDefault(k, value(old, k)), value(now, k), k);
      assertTrue(Settings.OPEN_SECTIONS.contains(k) || Settings.byKey(k) != null, k);
    }
    assertTrue(now.getConfig("spark.conf").isEmpty(), "spark.conf is an open, empty section");
  }

  @Test
  void theMarkdownTableHasOneRowPerKeyWithItsDefaultAndMeaning() {
    String table = Settings.markdownTable();
    List<String> rows = table.lines().filter(l -> l.startsWith("| `")).toList();
    assertEquals(Settings.configKeys().size() + Settings.OPEN_SECTIONS.size(), rows.size());
    assertTrue(
        rows.contains(
            "| `model.hidden` | `[400]` | encoder hidden layer sizes; the "
                + "decoder mirrors them. With `conv`: the dense layers between the last "
                + "convolution and the latent |"),
        table);
    assertTrue(
        table.contains(
            "| `model.activation` | `relu` | hidden-layer activation: `relu`, "
                + "`leaky-relu` or `tanh` |"),
        table);
  }

  @Test
  void enumSettingsAllowExactlyTheirEnumsSpellings() {
    assertEquals(List.of("relu", "leaky-relu", "tanh"), ModelSettings.MODEL_ACTIVATION.allowed());
    assertEquals(List.of("uniform", "he", "xavier"), ModelSettings.MODEL_INIT.allowed());
    assertEquals(List.of("mlp", "conv"), ModelSettings.MODEL_TYPE.allowed());
    assertEquals(
        "model.activation = 'swish' is not allowed; expected one of relu, leaky-relu, " + "tanh",
        ModelSettings.MODEL_ACTIVATION.problem("model.activation", "Swish"));
    assertNull(ModelSettings.MODEL_ACTIVATION.problem("model.activation", "Leaky-ReLU"));
  }

  @Test
  void oneRuleRefusesTheSameValuesInTheConfigAndInTheParam() {
    assertEquals(
        "model.latent must be a positive integer, got 0",
        ModelSettings.MODEL_LATENT.problem("model.latent", 0));
    assertEquals(
        "train.learning-rate must be > 0, got 0.0",
        TrainSettings.TRAIN_LEARNING_RATE.problem("train.learning-rate", 0.0));
    assertTrue(
        TrainSettings.TRAIN_STORAGE_LEVEL
            .problem("train.storage-level", "SOMEWHERE")
            .startsWith("train.storage-level = 'SOMEWHERE' is not a Spark storage level"));
    VariationalAutoencoder v = new VariationalAutoencoder();
    assertThrows(IllegalArgumentException.class, () -> v.setLatentSize(0));
    assertThrows(IllegalArgumentException.class, () -> v.setStorageLevel("SOMEWHERE"));
    v.setStorageLevel("memory_only");
    assertEquals(
        "train.outer-warmup-epochs must be >= 0, or -1 (auto), got -2",
        TrainSettings.TRAIN_OUTER_WARMUP_EPOCHS.problem("train.outer-warmup-epochs", -2));
    assertNull(TrainSettings.TRAIN_OUTER_WARMUP_EPOCHS.problem("train.outer-warmup-epochs", -1));
    assertThrows(IllegalArgumentException.class, () -> v.setOuterWarmupEpochs(-2));
  }

  @Test
  void everyEstimatorParamIsASettingWithItsDocAndDefault() {
    VariationalAutoencoder v = new VariationalAutoencoder();
    assertParamsFollowTheRegistry(v);
    assertEquals(20, v.getLatentSize());
    assertEquals(42L, v.getSeed());
  }

  @Test
  void theSharedParamsOfEstimatorAndModelAreOneDeclaration() throws Exception {
    VariationalAutoencoder v = new VariationalAutoencoder();
    Params model = modelWithoutTraining();
    assertParamsFollowTheRegistry(model);
    for (String shared : List.of("featuresCol", "seed")) {
      assertEquals(v.getParam(shared).doc(), model.getParam(shared).doc(), shared);
    }
  }

  private static void assertParamsFollowTheRegistry(Params p) {
    for (Param<?> param : p.params()) {
      Setting s = Settings.byParam(param.name());
      assertNotNull(s, param.name() + " is declared in Settings");
      assertEquals(s.plainDoc(), param.doc(), param.name());
      if (s.defaultValue() != null
          && !(p.getClass().getSimpleName().endsWith("Model") && param.name().equals("seed"))) {
        @SuppressWarnings("unchecked")
        Param<Object> q = (Param<Object>) param;
        assertEquals(q.jsonEncode(s.defaultValue()), q.jsonEncode(p.getOrDefault(q)), param.name());
      }
    }
  }

  /** A model needs no training to list its params; its constructor is package-private. */
  private static Params modelWithoutTraining() throws Exception {
    var c =
        Class.forName("io.sparkvae.ml.VariationalAutoencoderModel")
            .getDeclaredConstructor(
                String.class,
                io.sparkvae.kernel.VaeArchitecture.class,
                float[].class,
                io.sparkvae.ml.ModelMetadata.class);
    c.setAccessible(true);
    return (Params)
        c.newInstance(
            "m",
            new io.sparkvae.kernel.VaeArchitecture(
                4,
                new int[0],
                1,
                io.sparkvae.kernel.Activation.RELU,
                io.sparkvae.kernel.Likelihood.GAUSSIAN),
            new float[0],
            null);
  }

  private static Set<String> leaves(Config c) {
    Set<String> out = new LinkedHashSet<>();
    collect(c.root(), "", out);
    return out;
  }

  private static void collect(com.typesafe.config.ConfigObject o, String prefix, Set<String> out) {
    for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
      String k = prefix + e.getKey();
      if (e.getValue().valueType() == ConfigValueType.OBJECT && !k.equals("spark.conf")) {
        collect((com.typesafe.config.ConfigObject) e.getValue(), k + ".", out);
      } else {
        out.add(k);
      }
    }
  }

  private static Object value(Config c, String k) {
    ConfigValue v = c.root();
    for (String part : k.split("\\.")) {
      v = ((com.typesafe.config.ConfigObject) v).get(part);
    }
    return v.unwrapped();
  }

  /**
   * The settings are declared in several holder classes: whichever is initialized first, the
   * registry is complete and in declaration order. A fresh JVM touches holders before {@link
   * Settings}.
   */
  @Test
  void theRegistryOrderDoesNotDependOnWhichHolderIsTouchedFirst() throws Exception {
    String javaBin = System.getProperty("java.home") + "/bin/java";
    Process p =
        new ProcessBuilder(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                TouchHoldersFirst.class.getName())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .strip();
    assertEquals(0, p.waitFor(), out);
    assertEquals(names(), out);
    assertEquals(84, Settings.all().size());
    assertEquals("data.train", Settings.all().get(0).key());
    assertEquals("blockSize", Settings.all().get(83).paramName());
  }

  private static String names() {
    return String.join(
        ",", Settings.all().stream().map(s -> s.key() != null ? s.key() : s.paramName()).toList());
  }

  /** Run in a fresh JVM: touches holders, in no particular order, before the registry. */
  static final class TouchHoldersFirst {
    public static void main(String[] args) {
      Object[] touched = {
        TrainSettings.TRAIN_EPOCHS, MlParamSettings.BLOCK_SIZE, LinregSettings.LINREG_SEED
      };
      System.out.println(touched.length == 3 ? names() : "");
    }
  }
}
