package io.avloc.core.metrics;

import java.util.Arrays;

/** Order statistics without a full sort. */
final class Selection {
  private Selection() {}

  /**
   * The element at index {@code k} of {@code values} sorted ascending, i.e. {@code
   * np.sort(values)[k]}: the value is uniquely defined, so any correct selection returns it.
   * Quickselect with a median-of-three pivot (expected O(n)); after too many rounds it falls back
   * to sorting the remaining range, which bounds the worst case at O(n log n). Values must not be
   * NaN.
   */
  static double kthSmallest(double[] values, int k) {
    if (k < 0 || k >= values.length) {
      throw new IndexOutOfBoundsException("k=" + k + " for " + values.length + " values");
    }
    double[] a = values.clone();
    int lo = 0;
    int hi = a.length - 1;
    int rounds = 4 * (32 - Integer.numberOfLeadingZeros(a.length));
    while (lo < hi) {
      if (rounds-- == 0) {
        Arrays.sort(a, lo, hi + 1);
        return a[k];
      }
      double pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
      int i = lo;
      int j = hi;
      // Hoare partition; it stops on values equal to the pivot, so maps with large flat areas
      // (many equal values) still split evenly.
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      // Now a[lo..j] <= pivot <= a[i..hi], and everything strictly between j and i equals pivot.
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static double medianOfThree(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
}
