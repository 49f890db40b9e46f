// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.engine.FeatureReader;
import io.sparkvae.kernel.VaeObjective;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.SingularValueDecomposition;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * "Is the VAE better than a linear model on my data?" MLlib {@link PCA} with as many components as
 * the VAE's latent size, fitted on the training data; on the test set, the per-pixel mean squared
 * reconstruction error of PCA (x̂ = x̄ + V Vᵀ (x − x̄)) beside the VAE's (decoder mean at z = μ).
 * Both on the same [0, 1] scaling of the inputs.
 */
public final class PcaBaseline {
  private PcaBaseline() {}

  private static final StructType VEC =
      new StructType(
          new StructField[] {DataTypes.createStructField("x", SQLDataTypes.VectorType(), false)});

  /** The features column as ML vectors scaled like training (8-bit pixels divided by 255). */
  static Dataset<Row> vectors(Dataset<Row> df, String col, int dim) {
    FeatureReader reader = FeatureReader.forColumn(df.schema(), col);
    // Streams: one row in, one vector out, so a partition is never held in memory at once.
    MapPartitionsFunction<Row, Row> f =
        it -> {
          FeatureReader.FloatBuffer buf = new FeatureReader.FloatBuffer();
          float[] x = new float[dim];
          return new java.util.Iterator<Row>() {
            private Row next = advance();

            private Row advance() {
              while (it.hasNext()) {
                if (reader.read(it.next(), x, 0, dim, buf) == dim) {
                  double[] d = new double[dim];
                  for (int j = 0; j < dim; j++) {
                    d[j] = x[j];
                  }
                  return RowFactory.create(Vectors.dense(d));
                }
              }
              return null;
            }

            @Override
            public boolean hasNext() {
              return next != null;
            }

            @Override
            public Row next() {
              if (next == null) {
                throw new java.util.NoSuchElementException();
              }
              Row r = next;
              next = advance();
              return r;
            }
          };
        };
    return df.mapPartitions(f, Encoders.row(VEC));
  }

  /**
   * Above this many columns MLlib's {@link PCA}, which forms the dim × dim covariance on the driver
   * and decomposes it in O(dim³), is replaced by a truncated SVD of the centred rows (ARPACK, one
   * distributed pass per iteration): at 64×64×3 pixels the covariance alone is 1.2 GB.
   */
  static final int EXACT_MAX_DIM = 4096;

  /**
   * The top {@code k} principal directions (column-major {@code dim × k}), the mean, the share of
   * variance they explain, and which method found them.
   */
  record Fit(double[] components, double[] mean, double explained, String method) {}

  /** Principal components of the vectors in column {@code x} of {@code tv}. */
  static Fit fit(Dataset<Row> tv, int k, int dim, int exactMaxDim) {
    Vector mean = (Vector) tv.select(Summarizer.mean(tv.col("x"))).first().get(0);
    double[] mu = mean.toArray();
    if (dim <= exactMaxDim) {
      PCAModel pca = new PCA().setInputCol("x").setOutputCol("pc").setK(k).fit(tv);
      return new Fit(
          pca.pc().values(),
          mu,
          java.util.Arrays.stream(pca.explainedVariance().toArray()).sum(),
          "MLlib PCA (covariance)");
    }
    JavaRDD<org.apache.spark.mllib.linalg.Vector> centred =
        tv.javaRDD()
            .map(
                r -> {
                  double[] x = ((Vector) r.get(0)).toArray();
                  for (int j = 0; j < x.length; j++) {
                    x[j] -= mu[j];
                  }
                  return org.apache.spark.mllib.linalg.Vectors.dense(x);
                })
            .cache();
    try {
      double total = centred.map(v -> sumOfSquares(v.toArray())).reduce(Double::sum);
      SingularValueDecomposition<RowMatrix, Matrix> svd =
          new RowMatrix(centred.rdd()).computeSVD(k, false, 1e-9);
      double kept = 0;
      for (double sv : svd.s().toArray()) {
        kept += sv * sv;
      }
      return new Fit(svd.V().toArray(), mu, total > 0 ? kept / total : 0, "truncated SVD (ARPACK)");
    } finally {
      centred.unpersist(false);
    }
  }

  private static double sumOfSquares(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return s;
  }

  public static Map<String, Object> compare(
      VariationalAutoencoderModel model, Dataset<Row> train, Dataset<Row> test) {
    int dim = model.architecture().inputDim();
    int k = Math.min(model.architecture().latent(), dim);
    Dataset<Row> tv = vectors(train, model.getFeaturesCol(), dim).cache();
    List<Broadcast<?>> broadcasts = new ArrayList<>();
    try {
      Fit fit = fit(tv, k, dim, EXACT_MAX_DIM);
      double[] components = fit.components(); // column-major dim × k
      double[] mu = fit.mean();
      var sc = test.sparkSession().sparkContext();
      Broadcast<double[]> bcV =
          sc.broadcast(components, scala.reflect.ClassTag$.MODULE$.apply(double[].class));
      Broadcast<double[]> bcMu =
          sc.broadcast(mu, scala.reflect.ClassTag$.MODULE$.apply(double[].class));
      Broadcast<float[]> bcW =
          sc.broadcast(model.weightsNoCopy(), scala.reflect.ClassTag$.MODULE$.apply(float[].class));
      broadcasts.add(bcV);
      broadcasts.add(bcMu);
      broadcasts.add(bcW);
      var arch = model.architecture();
      MapPartitionsFunction<Row, Row> err =
          it -> {
            VaeObjective.Workspace ws = new VaeObjective(arch).newWorkspace(256, 1);
            double[] vv = bcV.value();
            double[] m = bcMu.value();
            float[] w = bcW.value();
            double vaeSq = 0;
            double pcaSq = 0;
            long n = 0;
            float[] block = new float[256 * dim];
            float[] rec = new float[256 * dim];
            double[] c = new double[k];
            List<double[]> rows = new ArrayList<>();
            while (it.hasNext() || !rows.isEmpty()) {
              if (it.hasNext() && rows.size() < 256) {
                rows.add(((Vector) it.next().get(0)).toArray());
                continue;
              }
              int b = rows.size();
              for (int r = 0; r < b; r++) {
                double[] x = rows.get(r);
                for (int j = 0; j < dim; j++) {
                  block[r * dim + j] = (float) x[j];
                }
                for (int q = 0; q < k; q++) {
                  double s = 0;
                  for (int j = 0; j < dim; j++) {
                    s += vv[q * dim + j] * (x[j] - m[j]);
                  }
                  c[q] = s;
                }
                for (int j = 0; j < dim; j++) {
                  double xh = m[j];
                  for (int q = 0; q < k; q++) {
                    xh += vv[q * dim + j] * c[q];
                  }
                  pcaSq += (x[j] - xh) * (x[j] - xh);
                }
              }
              ws.reconstructMean(w, block, b, rec);
              for (int i = 0; i < b * dim; i++) {
                double e = block[i] - rec[i];
                vaeSq += e * e;
              }
              n += b;
              rows.clear();
            }
            return List.of(RowFactory.create(vaeSq, pcaSq, n)).iterator();
          };
      StructType sums =
          new StructType(
              new StructField[] {
                DataTypes.createStructField("vae", DataTypes.DoubleType, false),
                DataTypes.createStructField("pca", DataTypes.DoubleType, false),
                DataTypes.createStructField("n", DataTypes.LongType, false)
              });
      List<Row> parts =
          vectors(test, model.getFeaturesCol(), dim)
              .mapPartitions(err, Encoders.row(sums))
              .collectAsList();
      double vae = 0;
      double pc = 0;
      long n = 0;
      for (Row r : parts) {
        vae += r.getDouble(0);
        pc += r.getDouble(1);
        n += r.getLong(2);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("components", k);
      out.put("explained_variance", fit.explained());
      out.put("method", fit.method());
      out.put("pca_mse", pc / ((double) n * dim));
      out.put("vae_mse", vae / ((double) n * dim));
      out.put("n_test", n);
      out.put(
          "note",
          "per-pixel mean squared error on the test set, inputs scaled to [0, 1]; "
              + "VAE decoded at z = mu");
      return out;
    } finally {
      for (Broadcast<?> b : broadcasts) {
        b.destroy();
      }
      tv.unpersist();
    }
  }
}
