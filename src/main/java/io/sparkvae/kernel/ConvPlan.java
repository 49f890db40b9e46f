// SPDX-License-Identifier: Apache-2.0
package io.sparkvae.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * The geometry of a convolutional encoder, layer by layer, and the check that its decoder can
 * mirror it: a transposed convolution gives back {@code (H − 1)·s − 2p + k} from H, which is the
 * convolution's input size only when {@code H_in + 2p − k} is a multiple of the stride.
 */
final class ConvPlan {
  private ConvPlan() {}

  /** Each convolution's geometry, input first; a size that does not divide is an error. */
  static List<ConvGeometry> geometries(VaeArchitecture.Conv c) {
    String failure = check(c, c.height(), c.width());
    if (failure != null) {
      int[] fix = nearestWorking(c);
      throw new IllegalArgumentException(
          failure
              + "; the decoder's transposed convolutions could not give back "
              + c.height()
              + "×"
              + c.width()
              + (fix == null ? "" : ". Resize the images to " + fix[0] + "×" + fix[1] + ", or")
              + " change the filter count, kernel, stride or padding");
    }
    List<ConvGeometry> gs = new ArrayList<>();
    int h = c.height();
    int w = c.width();
    int ch = c.channels();
    for (int f : c.filters()) {
      ConvGeometry g = new ConvGeometry(h, w, ch, f, c.kernel(), c.stride(), c.padding());
      gs.add(g);
      h = g.oh();
      w = g.ow();
      ch = f;
    }
    return gs;
  }

  /** Null when the sizes work, else what goes wrong first, naming the sizes. */
  private static String check(VaeArchitecture.Conv c, int height, int width) {
    if (c.kernel() < 1 || c.stride() < 1 || c.padding() < 0 || c.padding() >= c.kernel()) {
      return "kernel "
          + c.kernel()
          + ", stride "
          + c.stride()
          + " and padding "
          + c.padding()
          + " are invalid (kernel ≥ 1, stride ≥ 1, 0 ≤ padding < kernel)";
    }
    int h = height;
    int w = width;
    StringBuilder chain = new StringBuilder().append(h).append('×').append(w);
    for (int i = 0; i < c.filters().size(); i++) {
      int rh = h + 2 * c.padding() - c.kernel();
      int rw = w + 2 * c.padding() - c.kernel();
      if (rh < 0 || rw < 0) {
        return "a "
            + height
            + "×"
            + width
            + " image is too small for "
            + c.filters().size()
            + " convolutions: "
            + chain
            + ", and a "
            + c.kernel()
            + "×"
            + c.kernel()
            + " kernel does not fit the next";
      }
      if (rh % c.stride() != 0 || rw % c.stride() != 0) {
        return "a "
            + height
            + "×"
            + width
            + " image does not divide through "
            + c.filters().size()
            + " stride-"
            + c.stride()
            + " convolutions (kernel "
            + c.kernel()
            + ", padding "
            + c.padding()
            + "): "
            + chain
            + ", then "
            + h
            + " + 2·"
            + c.padding()
            + " − "
            + c.kernel()
            + " is not a multiple of "
            + c.stride()
            + " at convolution "
            + (i + 1);
      }
      h = rh / c.stride() + 1;
      w = rw / c.stride() + 1;
      chain.append(" → ").append(h).append('×').append(w);
    }
    return null;
  }

  /** The smallest working size at least as large as the image, per side, or null. */
  private static int[] nearestWorking(VaeArchitecture.Conv c) {
    int h = nearestSide(c, c.height());
    int w = nearestSide(c, c.width());
    return h < 0 || w < 0 ? null : new int[] {h, w};
  }

  private static int nearestSide(VaeArchitecture.Conv c, int from) {
    for (int n = from; n < from + 4096; n++) {
      if (sideWorks(c, n)) {
        return n;
      }
    }
    return -1;
  }

  private static boolean sideWorks(VaeArchitecture.Conv c, int n) {
    for (int i = 0; i < c.filters().size(); i++) {
      int r = n + 2 * c.padding() - c.kernel();
      if (r < 0 || r % c.stride() != 0) {
        return false;
      }
      n = r / c.stride() + 1;
    }
    return true;
  }
}
