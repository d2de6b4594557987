package io.avloc.core.metrics;

/**
 * Sums in the order of NumPy's {@code np.sum} / {@code np.add.reduce} on a contiguous float64 array
 * (pairwise summation with 8-way unrolled blocks of at most 128), so that means and areas match the
 * reference to the last bit rather than to rounding.
 */
final class NumpySum {
  private static final int BLOCK = 128;

  private NumpySum() {}

  static double of(double[] a) {
    return pairwise(a, 0, a.length);
  }

  private static double pairwise(double[] a, int from, int n) {
    if (n < 8) {
      // NumPy starts this loop from -0.0 so that an all-(-0.0) sum stays -0.0.
      double res = -0.0;
      for (int i = 0; i < n; i++) {
        res += a[from + i];
      }
      return res;
    }
    if (n <= BLOCK) {
      double[] r = new double[8];
      for (int j = 0; j < 8; j++) {
        r[j] = a[from + j];
      }
      int i = 8;
      for (; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[from + i + j];
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[from + i];
      }
      return res;
    }
    int half = n / 2;
    half -= half % 8;
    return pairwise(a, from, half) + pairwise(a, from + half, n - half);
  }
}
