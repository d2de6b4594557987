package io.avloc.core.audio;

/**
 * A deliberately plain spectrogram for cross-checking {@link Spectrogram}: the Tukey window from
 * its textbook definition and an O(n²) DFT with explicit loops, no FFT library.
 */
final class ReferenceSpectrogram {

  private static final int N = 512;
  private static final int HOP = 238;

  private ReferenceSpectrogram() {}

  /**
   * The periodic Tukey window, alpha = 0.25: the symmetric window of 513 points (cosine tapers of
   * 64 intervals at each end, flat in between) without its last point.
   */
  static double[] tukey() {
    int taper = 64; // alpha * 512 / 2
    double[] w = new double[N];
    for (int n = 0; n < N; n++) {
      if (n < taper) {
        w[n] = Math.pow(Math.sin(Math.PI * n / (2.0 * taper)), 2);
      } else if (n <= N - taper) {
        w[n] = 1;
      } else {
        w[n] = Math.pow(Math.cos(Math.PI * (n - (N - taper)) / (2.0 * taper)), 2);
      }
    }
    return w;
  }

  /** One-sided density P[f][t], mean removed per segment, bins 1..255 doubled. */
  static double[][] density(float[] x, double fs) {
    double[] w = tukey();
    double energy = 0;
    for (double v : w) {
      energy += v * v;
    }
    int frames = (x.length - (N - HOP)) / HOP;
    double[][] p = new double[N / 2 + 1][frames];
    for (int t = 0; t < frames; t++) {
      double mean = 0;
      for (int n = 0; n < N; n++) {
        mean += x[t * HOP + n];
      }
      mean /= N;
      for (int f = 0; f <= N / 2; f++) {
        double re = 0;
        double im = 0;
        for (int n = 0; n < N; n++) {
          double v = (x[t * HOP + n] - mean) * w[n];
          double angle = 2 * Math.PI * ((long) f * n % N) / N;
          re += v * Math.cos(angle);
          im -= v * Math.sin(angle);
        }
        double one = (re * re + im * im) / (fs * energy);
        p[f][t] = (f == 0 || f == N / 2) ? one : 2 * one;
      }
    }
    return p;
  }
}
