// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.data.Columns;
import io.sparkvae.ml.params.HasFeaturesCol;
import io.sparkvae.ml.params.MlParamSettings;
import io.sparkvae.ml.params.ParamDefaults;
import io.sparkvae.ml.params.Settings;
import io.sparkvae.ml.params.TuningMetric;
import java.util.List;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A Spark ML {@link Evaluator} of VAEs, for {@code CrossValidator} and {@code
 * TrainValidationSplit}: it reads a frame already transformed by a {@link
 * VariationalAutoencoderModel} and returns the mean of one of its scores. Every metric is a loss
 * (smaller is better, {@link #isLargerBetter} false), so a tuner keeps the model with the smallest
 * value.
 *
 * <pre>{@code
 * VaeTuningEvaluator eval = new VaeTuningEvaluator().setMetricName("negElbo");
 * double negElbo = eval.evaluate(model.transform(test));
 * }</pre>
 *
 * <table>
 *   <caption>metricName and the model output it needs</caption>
 *   <tr><th>metricName</th><th>reads</th><th>model setting</th></tr>
 *   <tr><td>{@code negElbo} (default)</td><td>{@code negElboCol} ({@code neg_elbo})</td>
 *       <td>on by default</td></tr>
 *   <tr><td>{@code reconstruction}</td><td>{@code featuresCol} and {@code reconstructionCol}
 *       ({@code reconstruction}): Σⱼ (xⱼ − x̂ⱼ)² per row, x̂ the decoder's mean at z = μ</td>
 *       <td>on by default</td></tr>
 *   <tr><td>{@code iwae}</td><td>{@code iwaeCol} ({@code iwae_nll})</td>
 *       <td>off by default: the model needs {@code iwaeSamples > 0}; a tuner fits fresh models,
 *       so set it through a pipeline stage or evaluate the IWAE of the chosen model yourself</td>
 *   </tr>
 * </table>
 *
 * <p>The column names are the model's defaults; set them here when the model's were changed.
 * Figures are in nats per row (squared error for {@code reconstruction}), the same as {@link
 * VaeEvaluator}'s test figures, whose column logic this class shares. Its params are declared in
 * {@link Settings}; it saves with the default params writer, alone or inside a {@code
 * CrossValidator}.
 */
public final class VaeTuningEvaluator extends Evaluator
    implements HasFeaturesCol, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;

  public VaeTuningEvaluator() {
    this(Identifiable.randomUID("vaeEval"));
  }

  public VaeTuningEvaluator(String uid) {
    this.uid = uid;
    ParamDefaults.apply(this, this::setDefault);
  }

  @Override
  public String uid() {
    return uid;
  }

  /** {@link Settings#METRIC_NAME}. */
  @SuppressWarnings("unchecked")
  public Param<String> metricName() {
    return (Param<String>) MlParamSettings.METRIC_NAME.param(this);
  }

  /** {@link Settings#NEG_ELBO_COL}. */
  @SuppressWarnings("unchecked")
  public Param<String> negElboCol() {
    return (Param<String>) MlParamSettings.NEG_ELBO_COL.param(this);
  }

  /** {@link Settings#RECONSTRUCTION_COL}. */
  @SuppressWarnings("unchecked")
  public Param<String> reconstructionCol() {
    return (Param<String>) MlParamSettings.RECONSTRUCTION_COL.param(this);
  }

  /** {@link Settings#IWAE_COL}. */
  @SuppressWarnings("unchecked")
  public Param<String> iwaeCol() {
    return (Param<String>) MlParamSettings.IWAE_COL.param(this);
  }

  public String getMetricName() {
    return getOrDefault(metricName());
  }

  public String getNegElboCol() {
    return getOrDefault(negElboCol());
  }

  public String getReconstructionCol() {
    return getOrDefault(reconstructionCol());
  }

  public String getIwaeCol() {
    return getOrDefault(iwaeCol());
  }

  public VaeTuningEvaluator setMetricName(String v) {
    set(metricName(), v);
    return this;
  }

  public VaeTuningEvaluator setFeaturesCol(String v) {
    set(featuresCol(), v);
    return this;
  }

  public VaeTuningEvaluator setNegElboCol(String v) {
    set(negElboCol(), v);
    return this;
  }

  public VaeTuningEvaluator setReconstructionCol(String v) {
    set(reconstructionCol(), v);
    return this;
  }

  public VaeTuningEvaluator setIwaeCol(String v) {
    set(iwaeCol(), v);
    return this;
  }

  /** The metric of {@code metricName}. */
  public TuningMetric metric() {
    return TuningMetric.named(getMetricName());
  }

  @Override
  public double evaluate(Dataset<?> dataset) {
    Dataset<Row> df = dataset.toDF();
    TuningMetric m = metric();
    double[] r;
    switch (m) {
      case NEG_ELBO:
        r =
            VaeEvaluator.meanOf(
                df.select(
                    Columns.exact(
                        need(
                            df,
                            getNegElboCol(),
                            "negElboCol",
                            "the model's negElboCol must be on"))),
                getNegElboCol());
        break;
      case RECONSTRUCTION:
        need(df, getFeaturesCol(), "featuresCol", "the features the model read");
        r =
            VaeEvaluator.meanSquaredReconstructionError(
                df,
                getFeaturesCol(),
                need(
                    df,
                    getReconstructionCol(),
                    "reconstructionCol",
                    "the model's reconstructionCol must be on"));
        break;
      case IWAE:
        r =
            VaeEvaluator.meanOf(
                df.select(
                    Columns.exact(
                        need(df, getIwaeCol(), "iwaeCol", "set iwaeSamples > 0 on the model"))),
                getIwaeCol());
        break;
      default:
        throw new IllegalStateException(m.toString());
    }
    if (r[1] == 0) {
      throw new IllegalArgumentException(
          "metricName = " + m.paramName() + ": the frame has no rows to evaluate");
    }
    return r[0];
  }

  /** {@code column} when the frame has it, else an error that says how to get it. */
  private static String need(Dataset<Row> df, String column, String param, String how) {
    if (!List.of(df.columns()).contains(column)) {
      throw new IllegalArgumentException(
          param
              + " = '"
              + column
              + "' is not a column of the "
              + "evaluated frame ("
              + String.join(", ", df.columns())
              + "): "
              + how);
    }
    return column;
  }

  /** False for every metric: they are losses. */
  @Override
  public boolean isLargerBetter() {
    return metric().largerIsBetter();
  }

  @Override
  public VaeTuningEvaluator copy(ParamMap extra) {
    return (VaeTuningEvaluator) defaultCopy(extra);
  }

  @Override
  public String toString() {
    return "VaeTuningEvaluator: uid=" + uid + ", metricName=" + getMetricName();
  }

  /** Spark's params reader, which builds whatever class a directory names, checked to be ours. */
  public static MLReader<VaeTuningEvaluator> read() {
    return new MLReader<>() {
      @Override
      public VaeTuningEvaluator load(String path) {
        Object o = new DefaultParamsReader<>().session(sparkSession()).load(path);
        if (o instanceof VaeTuningEvaluator e) {
          return e;
        }
        throw new IllegalArgumentException(
            path
                + " holds a "
                + o.getClass().getName()
                + ", not a "
                + VaeTuningEvaluator.class.getName());
      }
    };
  }

  public static VaeTuningEvaluator load(String path) {
    return read().load(path);
  }
}
