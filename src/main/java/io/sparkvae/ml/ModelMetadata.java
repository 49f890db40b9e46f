// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkvae.engine.EpochReport;
import io.sparkvae.io.Json;
import io.sparkvae.kernel.Activation;
import io.sparkvae.kernel.Likelihood;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model's {@code metadata.json}, typed: what the model is ({@link Architecture}, Spark ML {@code
 * params}), what it was trained on ({@link Input}), how ({@link Training}), where ({@link
 * Provenance}), how well ({@link Metrics}) and which weights file belongs to it ({@link Weights}).
 * {@link #read} and {@link #toJson} are the only code that knows the file's field names; everything
 * else uses the accessors, e.g. {@code model.metadata().training().epochs()}.
 *
 * <p>The layout on disk is fixed by the JSON names on the components (snake_case, in component
 * order): files written before this record existed load unchanged, and Python reads the file with a
 * plain {@code json.load}. Reading is lenient in both directions: a field this version does not
 * know (from a newer writer) is ignored, and a field an older writer did not write takes its
 * default (zero, false, an empty list, or an empty section). Only {@code format} and {@code
 * format_version} are checked, because they say whether the rest can be trusted.
 *
 * <p>Immutable: the {@code with...} methods return changed copies. Absent optional values ({@code
 * null}) are left out of the file rather than written as {@code null}.
 *
 * @param format always {@value ModelFiles#FORMAT}
 * @param formatVersion the layout's version, {@value ModelFiles#VERSION}
 * @param className the model class that wrote the file (never instantiated from the file)
 * @param uid the Spark ML uid
 * @param architecture layer sizes, activation and likelihood
 * @param params the model's Spark ML params (name to JSON value, each Param's own codec)
 * @param input the training input's column, scaling and image shape
 * @param training settings, data, timing and per-epoch losses of the fit
 * @param provenance library versions, JVM, BLAS and time of the fit
 * @param metrics figures measured after the fit (test losses), or null
 * @param weights the weights file's name, size and SHA-256, or null before the first save
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMetadata(
    @JsonProperty("format") String format,
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("class") String className,
    @JsonProperty("uid") String uid,
    @JsonProperty("architecture") Architecture architecture,
    @JsonProperty("params") ObjectNode params,
    @JsonProperty("input") Input input,
    @JsonProperty("training") Training training,
    @JsonProperty("provenance") Provenance provenance,
    @JsonProperty("metrics") Metrics metrics,
    @JsonProperty("weights") Weights weights)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Sections an older file lacks become empty ones, so callers need no null checks. */
  public ModelMetadata {
    params = params == null ? Json.object() : params.deepCopy();
    input = input == null ? Input.NONE : input;
    training = training == null ? Training.NONE : training;
    provenance = provenance == null ? Provenance.UNKNOWN : provenance;
  }

  /** A copy of the params (the record stays immutable). */
  @Override
  public ObjectNode params() {
    return params.deepCopy();
  }

  /**
   * Parses a {@code metadata.json}. The format and version are checked before the rest is bound, so
   * a file from a newer spark-vae fails with "newer", not with a confusing field error.
   *
   * @param source names the file in error messages
   */
  public static ModelMetadata read(String text, String source) throws IOException {
    JsonNode tree = Json.read(text, source);
    String format = tree.path("format").asText();
    if (!ModelFiles.FORMAT.equals(format)) {
      throw new IOException(source + " is not a spark-vae model (format '" + format + "')");
    }
    int version = tree.path("format_version").asInt(-1);
    if (version != ModelFiles.VERSION) {
      throw new IOException(
          source
              + ": model format version "
              + tree.path("format_version")
              + (version > ModelFiles.VERSION ? " is newer than" : " is not")
              + " the version this "
              + "spark-vae reads ("
              + ModelFiles.VERSION
              + "); use the spark-vae release that wrote "
              + "it");
    }
    try {
      return Json.MAPPER.treeToValue(tree, ModelMetadata.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IOException(source + ": unreadable metadata: " + e.getMessage(), e);
    }
  }

  /** The file's text: indented JSON, fields in component order. */
  public String toJson() {
    return Json.write(this);
  }

  /** The same metadata describing another model: uid, architecture and params replaced. */
  ModelMetadata forModel(String uid, VaeArchitecture arch, ObjectNode params) {
    return new ModelMetadata(
        ModelFiles.FORMAT,
        ModelFiles.VERSION,
        VariationalAutoencoderModel.CLASS,
        uid,
        Architecture.of(arch),
        params,
        input,
        training,
        provenance,
        metrics,
        weights);
  }

  public ModelMetadata withInput(Input in) {
    return new ModelMetadata(
        format,
        formatVersion,
        className,
        uid,
        architecture,
        params,
        in,
        training,
        provenance,
        metrics,
        weights);
  }

  public ModelMetadata withMetrics(Metrics m) {
    return new ModelMetadata(
        format,
        formatVersion,
        className,
        uid,
        architecture,
        params,
        input,
        training,
        provenance,
        m,
        weights);
  }

  ModelMetadata withWeights(Weights w) {
    return new ModelMetadata(
        format,
        formatVersion,
        className,
        uid,
        architecture,
        params,
        input,
        training,
        provenance,
        metrics,
        w);
  }

  /** Fit-time sections only: what a model carries between fit, save and load. */
  static ModelMetadata ofSections(
      Input input, Training training, Provenance provenance, Metrics metrics) {
    return new ModelMetadata(
        ModelFiles.FORMAT,
        ModelFiles.VERSION,
        VariationalAutoencoderModel.CLASS,
        null,
        null,
        null,
        input,
        training,
        provenance,
        metrics,
        null);
  }

  /**
   * The network's shape. {@code num_params} is redundant with the rest; it is written so a reader
   * without spark-vae can size the weights, and checked on load when present.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Architecture(
      @JsonProperty("input_dim") int inputDim,
      @JsonProperty("hidden") List<Integer> hidden,
      @JsonProperty("latent") int latent,
      @JsonProperty("activation") String activation,
      @JsonProperty("likelihood") String likelihood,
      @JsonProperty("num_params") Integer numParams,
      @JsonProperty("type") String type,
      @JsonProperty("conv") ConvPart conv)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public Architecture {
      hidden = hidden == null ? List.of() : List.copyOf(hidden);
    }

    /** An MLP's architecture (no {@code type} field, as files before convolutions). */
    public Architecture(
        int inputDim,
        List<Integer> hidden,
        int latent,
        String activation,
        String likelihood,
        Integer numParams) {
      this(inputDim, hidden, latent, activation, likelihood, numParams, null, null);
    }

    /**
     * The convolutional part: the image (height, width, channels; channels-last rows) and the
     * encoder's filters, kernel, stride and padding.
     */
    public record ConvPart(
        @JsonProperty("height") int height,
        @JsonProperty("width") int width,
        @JsonProperty("channels") int channels,
        @JsonProperty("filters") List<Integer> filters,
        @JsonProperty("kernel") int kernel,
        @JsonProperty("stride") int stride,
        @JsonProperty("padding") int padding)
        implements Serializable {
      private static final long serialVersionUID = 1L;
    }

    static Architecture of(VaeArchitecture a) {
      VaeArchitecture.Conv c = a.conv();
      return new Architecture(
          a.inputDim(),
          Arrays.stream(a.hidden()).boxed().toList(),
          a.latent(),
          a.activation().configName(),
          a.likelihood().configName(),
          a.numParams(),
          c == null ? null : "conv",
          c == null
              ? null
              : new ConvPart(
                  c.height(),
                  c.width(),
                  c.channels(),
                  c.filters(),
                  c.kernel(),
                  c.stride(),
                  c.padding()));
    }

    /** The kernel's architecture; a bad name or a wrong parameter count is an IOException. */
    VaeArchitecture toArchitecture(String source) throws IOException {
      VaeArchitecture a;
      try {
        int[] h = hidden.stream().mapToInt(Integer::intValue).toArray();
        Activation act = Activation.fromName(activation);
        Likelihood lik = Likelihood.fromName(likelihood);
        if (type == null || type.equals("mlp")) {
          a = new VaeArchitecture(inputDim, h, latent, act, lik);
        } else if (type.equals("conv") && conv != null) {
          a =
              VaeArchitecture.conv(
                  new VaeArchitecture.Conv(
                      conv.height(),
                      conv.width(),
                      conv.channels(),
                      conv.filters(),
                      conv.kernel(),
                      conv.stride(),
                      conv.padding()),
                  h,
                  latent,
                  act,
                  lik);
          if (a.inputDim() != inputDim) {
            throw new IllegalArgumentException(
                "input_dim " + inputDim + " does not match the conv image " + conv);
          }
        } else if (type.equals("conv")) {
          throw new IllegalArgumentException(
              "type 'conv' needs a \"conv\" object (height, width, channels, filters, kernel, "
                  + "stride, padding)");
        } else {
          throw new IllegalArgumentException(
              "type '"
                  + type
                  + "' is not mlp or conv (written by a newer spark-vae? use the release "
                  + "that wrote it)");
        }
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IOException(source + ": invalid architecture: " + e.getMessage(), e);
      }
      if (numParams != null && numParams != a.numParams()) {
        throw new IOException(
            source
                + ": metadata says "
                + numParams
                + " parameters but its architecture has "
                + a.numParams());
      }
      return a;
    }
  }

  /**
   * The training input: which column, how values were scaled into the network, and the image
   * geometry used to draw the model's outputs.
   *
   * @param kind "uint8" (8-bit pixels) or "float"
   * @param scaling how stored values map to network inputs, in words
   * @param dim values per row
   * @param shape height, width, channels; null when unknown
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Input(
      @JsonProperty("column") String column,
      @JsonProperty("kind") String kind,
      @JsonProperty("scaling") String scaling,
      @JsonProperty("dim") int dim,
      @JsonProperty("shape") List<Integer> shape)
      implements Serializable {
    private static final long serialVersionUID = 1L;
    static final Input NONE = new Input(null, null, null, 0, null);

    public Input {
      shape = shape == null ? null : List.copyOf(shape);
    }

    /** This input with an image shape (height, width, channels). */
    public Input withShape(int height, int width, int channels) {
      return new Input(column, kind, scaling, dim, List.of(height, width, channels));
    }

    /** {height, width, channels}, or null when no three-number shape was recorded. */
    public int[] imageShape() {
      return shape == null || shape.size() != 3
          ? null
          : shape.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /**
   * How the model was fitted.
   *
   * @param params the estimator's Spark ML params (name to JSON value)
   * @param data a description of the training data, or null (written as null)
   * @param rows training rows; {@code partitions} the partitions they were cached in
   * @param updates optimizer steps in all; {@code seconds} wall time of the fit
   * @param resumed whether the fit continued from a checkpoint
   * @param warmStart whether it started from another model's weights
   * @param epochs one entry per epoch, in order
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Training(
      @JsonProperty("params") ObjectNode params,
      @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("data") String data,
      @JsonProperty("rows") long rows,
      @JsonProperty("partitions") int partitions,
      @JsonProperty("updates") long updates,
      @JsonProperty("seconds") double seconds,
      @JsonProperty("resumed") boolean resumed,
      @JsonProperty("warm_start") boolean warmStart,
      @JsonProperty("epochs") List<Epoch> epochs)
      implements Serializable {
    private static final long serialVersionUID = 1L;
    static final Training NONE = new Training(null, null, 0, 0, 0, 0.0, false, false, List.of());

    public Training {
      params = params == null ? Json.object() : params.deepCopy();
      epochs = epochs == null ? List.of() : List.copyOf(epochs);
    }

    @Override
    public ObjectNode params() {
      return params.deepCopy();
    }

    /** The epochs as the engine reports them (rows are not recorded, so 0). */
    public List<EpochReport> history() {
      return epochs.stream().map(Epoch::toReport).toList();
    }
  }

  /**
   * One epoch's mean losses in nats per row (−ELBO, its reconstruction and KL parts) on the
   * training rows and, when validation data was given, on those.
   *
   * @param valNegElbo null (and its two siblings) without validation data
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Epoch(
      @JsonProperty("epoch") int epoch,
      @JsonProperty("train_neg_elbo") double trainNegElbo,
      @JsonProperty("train_recon") double trainRecon,
      @JsonProperty("train_kl") double trainKl,
      @JsonProperty("val_neg_elbo") Double valNegElbo,
      @JsonProperty("val_recon") Double valRecon,
      @JsonProperty("val_kl") Double valKl,
      @JsonProperty("seconds") double seconds,
      @JsonProperty("samples_per_sec") double samplesPerSec,
      @JsonProperty("rounds") int rounds,
      @JsonProperty("updates") long updates)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** From the engine's report, whose losses must be the VAE's three. */
    static Epoch of(EpochReport r) {
      if (!VaeObjective.LOSS_NAMES.equals(r.lossNames())) {
        throw new IllegalArgumentException(
            "a VAE epoch has losses " + VaeObjective.LOSS_NAMES + ", got " + r.lossNames());
      }
      double[] t = r.train();
      double[] v = r.validation();
      return new Epoch(
          r.epoch(),
          t[0],
          t[1],
          t[2],
          v == null ? null : v[0],
          v == null ? null : v[1],
          v == null ? null : v[2],
          r.seconds(),
          r.samplesPerSecond(),
          r.rounds(),
          r.updates());
    }

    EpochReport toReport() {
      double[] val =
          valNegElbo == null ? null : new double[] {valNegElbo, nan(valRecon), nan(valKl)};
      return new EpochReport(
          epoch,
          VaeObjective.LOSS_NAMES,
          new double[] {trainNegElbo, trainRecon, trainKl},
          val,
          0,
          rounds,
          updates,
          seconds);
    }

    private static double nan(Double d) {
      return d == null ? Double.NaN : d;
    }
  }

  /** Figures measured after the fit. @param test losses on the test data, or null */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Metrics(@JsonProperty("test") TestMetrics test) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Mean losses on the test data ({@link VaeEvaluator#evaluate}).
   *
   * @param n test rows
   * @param iwaeNll −log p(x) by the importance-weighted bound with {@code iwaeK} samples on the
   *     first {@code iwaeRows} rows; all three null when not measured
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TestMetrics(
      @JsonProperty("neg_elbo") double negElbo,
      @JsonProperty("recon") double recon,
      @JsonProperty("kl") double kl,
      @JsonProperty("n") long n,
      @JsonProperty("iwae_nll") Double iwaeNll,
      @JsonProperty("iwae_k") Integer iwaeK,
      @JsonProperty("iwae_rows") Long iwaeRows)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** From {@link VaeEvaluator#evaluate}'s map, whose keys are these JSON names. */
    public static TestMetrics of(Map<String, ?> evaluated) {
      return Json.MAPPER.convertValue(evaluated, TestMetrics.class);
    }
  }

  /**
   * The weights file that belongs to this metadata; loading refuses a file whose SHA-256 differs.
   *
   * @param tensors tensor names in the order of the flat parameter vector
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Weights(
      @JsonProperty("file") String file,
      @JsonProperty("sha256") String sha256,
      @JsonProperty("bytes") long bytes,
      @JsonProperty("dtype") String dtype,
      @JsonProperty("tensors") List<String> tensors)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public Weights {
      tensors = tensors == null ? List.of() : List.copyOf(tensors);
    }
  }
}
