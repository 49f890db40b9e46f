// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

import io.sparkvae.engine.FeatureReader;
import io.sparkvae.kernel.Rng;
import io.sparkvae.kernel.VaeArchitecture;
import io.sparkvae.kernel.VaeObjective;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor side of {@link VariationalAutoencoderModel#transform}: reads rows in blocks, runs the
 * kernel on each block and appends the requested columns. Holds no reference to the model, so only
 * this small description and the broadcast parameters travel to executors.
 */
final class Scorer implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Random stream purpose for per-row −ELBO and IWAE noise. */
  static final long STREAM_SCORE = 0x5;

  private final VaeArchitecture arch;
  private final FeatureReader reader;
  private final int batch;
  private final int samples;
  private final int iwaeSamples;
  private final long seed;
  private final boolean mean;
  private final boolean logVar;
  private final boolean recon;
  private final boolean negElbo;
  private final boolean iwae;

  Scorer(
      VaeArchitecture arch,
      FeatureReader reader,
      int batch,
      int samples,
      int iwaeSamples,
      long seed,
      boolean mean,
      boolean logVar,
      boolean recon,
      boolean negElbo,
      boolean iwae) {
    this.arch = arch;
    this.reader = reader;
    this.batch = batch;
    this.samples = samples;
    this.iwaeSamples = iwaeSamples;
    this.seed = seed;
    this.mean = mean;
    this.logVar = logVar;
    this.recon = recon;
    this.negElbo = negElbo;
    this.iwae = iwae;
  }

  Iterator<Row> score(Iterator<Row> input, float[] params, int partition) {
    VaeObjective obj = new VaeObjective(arch, 1.0, 0, samples);
    VaeObjective.Workspace ws = obj.newWorkspace(batch, Math.max(samples, 8));
    int d = arch.inputDim();
    int h = arch.latent();
    float[] x = new float[batch * d];
    float[] mu = new float[batch * h];
    float[] lv = new float[batch * h];
    float[] rec = new float[batch * d];
    double[] rRecon = new double[batch];
    double[] rKl = new double[batch];
    double[] rIwae = new double[batch];
    FeatureReader.FloatBuffer buf = new FeatureReader.FloatBuffer();
    Rng rng = new Rng(0);
    return new Iterator<Row>() {
      private final List<Row> pending = new ArrayList<>();
      private int next;
      private long rowIndex;
      private int block;

      @Override
      public boolean hasNext() {
        if (next < pending.size()) {
          return true;
        }
        pending.clear();
        next = 0;
        List<Row> in = new ArrayList<>(batch);
        while (in.size() < batch && input.hasNext()) {
          in.add(input.next());
        }
        if (in.isEmpty()) {
          return false;
        }
        int n = in.size();
        for (int r = 0; r < n; r++) {
          read(in.get(r), r);
        }
        if (mean || logVar) {
          ws.encodeInto(params, x, n, mu, lv);
        }
        if (recon) {
          ws.reconstructMean(params, x, n, rec);
        }
        if (negElbo) {
          ws.rowLosses(
              params, x, n, rng.rekey(seed, STREAM_SCORE, partition, block, 0), rRecon, rKl);
        }
        if (iwae) {
          ws.importanceWeighted(
              params, x, n, iwaeSamples, rng.rekey(seed, STREAM_SCORE, partition, block, 1), rIwae);
        }
        block++;
        for (int r = 0; r < n; r++) {
          Row row = in.get(r);
          List<Object> vals = new ArrayList<>(row.length() + 5);
          for (int c = 0; c < row.length(); c++) {
            vals.add(row.get(c));
          }
          if (mean) {
            vals.add(Vectors.dense(toDoubles(mu, r * h, h)));
          }
          if (logVar) {
            vals.add(Vectors.dense(toDoubles(lv, r * h, h)));
          }
          if (recon) {
            vals.add(Vectors.dense(toDoubles(rec, r * d, d)));
          }
          if (negElbo) {
            vals.add(rRecon[r] + rKl[r]);
          }
          if (iwae) {
            vals.add(-rIwae[r]);
          }
          pending.add(RowFactory.create(vals.toArray()));
        }
        return true;
      }

      private void read(Row row, int r) {
        long idx = rowIndex++;
        int dim = reader.read(row, x, r * d, d, buf);
        String where = "partition " + partition + ", row " + idx;
        if (dim < 0) {
          throw new IllegalArgumentException(
              "column '" + reader.describe() + "' is null at " + where);
        }
        if (dim != d) {
          throw new IllegalArgumentException(
              "column '"
                  + reader.describe()
                  + "' has "
                  + dim
                  + " values at "
                  + where
                  + "; the model was trained on "
                  + d
                  + " values per row");
        }
        for (int j = 0; j < d; j++) {
          float v = x[r * d + j];
          if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(
                "column '"
                    + reader.describe()
                    + "' has "
                    + v
                    + " at position "
                    + j
                    + " of "
                    + where);
          }
        }
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.get(next++);
      }
    };
  }

  /** {@code a[off..off+n)} widened to doubles (ML vectors hold doubles). */
  static double[] toDoubles(float[] a, int off, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = a[off + i];
    }
    return d;
  }
}
