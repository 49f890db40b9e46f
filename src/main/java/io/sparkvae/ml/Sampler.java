// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.ml;

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
 * Executor side of {@link VariationalAutoencoderModel#sample}: turns row numbers into (number, z,
 * decoder mean at z), a block of rows at a time. Row i's z comes from a random stream keyed by
 * (seed, i) alone, so a sample does not depend on how the numbers were partitioned.
 */
final class Sampler implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Random stream purpose for sampled z (distinct from training's and scoring's streams). */
  static final long STREAM_SAMPLE = 0x8;

  private static final int BLOCK = 256;

  private final VaeArchitecture arch;
  private final long seed;

  Sampler(VaeArchitecture arch, long seed) {
    this.arch = arch;
    this.seed = seed;
  }

  /** The z of row {@code id}, into {@code z[off..off+H)}. */
  static void latent(long seed, long id, float[] z, int off, int h) {
    Rng.keyed(seed, STREAM_SAMPLE, id, 0, 0).fillGaussian(z, off, h);
  }

  Iterator<Row> sample(Iterator<Long> ids, float[] params) {
    VaeObjective.Workspace ws = new VaeObjective(arch).newWorkspace(BLOCK, 1);
    int h = arch.latent();
    int d = arch.inputDim();
    float[] z = new float[BLOCK * h];
    float[] x = new float[BLOCK * d];
    return new Iterator<Row>() {
      private final List<Row> pending = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        if (next < pending.size()) {
          return true;
        }
        pending.clear();
        next = 0;
        long[] block = new long[BLOCK];
        int n = 0;
        while (n < BLOCK && ids.hasNext()) {
          block[n] = ids.next();
          latent(seed, block[n], z, n * h, h);
          n++;
        }
        if (n == 0) {
          return false;
        }
        ws.decodeMean(params, z, n, x);
        for (int r = 0; r < n; r++) {
          pending.add(
              RowFactory.create(
                  block[r],
                  Vectors.dense(Scorer.toDoubles(z, r * h, h)),
                  Vectors.dense(Scorer.toDoubles(x, r * d, d))));
        }
        return true;
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
}
