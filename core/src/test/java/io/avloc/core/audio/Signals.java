package io.avloc.core.audio;

import java.util.Random;

/** Deterministic test signals and simple measurements on them. */
final class Signals {

  private Signals() {}

  /** {@code amplitude * sin(2 pi f n / rate + phase)} for n = 0..length-1. */
  static float[] tone(double frequency, double amplitude, double phase, int rate, int length) {
    float[] x = new float[length];
    for (int n = 0; n < length; n++) {
      x[n] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * n / rate + phase));
    }
    return x;
  }

  /** Gaussian noise with the given standard deviation, from a fixed seed. */
  static float[] noise(double sigma, int length, long seed) {
    Random r = new Random(seed);
    float[] x = new float[length];
    for (int n = 0; n < length; n++) {
      x[n] = (float) (sigma * r.nextGaussian());
    }
    return x;
  }

  /**
   * Amplitude of the component at {@code frequency} in {@code x[from, to)}, by projection on a sine
   * and a cosine (exact for a pure tone over a whole number of periods, close otherwise).
   */
  static double amplitudeAt(float[] x, int from, int to, double frequency, int rate) {
    double s = 0;
    double c = 0;
    for (int n = from; n < to; n++) {
      double a = 2 * Math.PI * frequency * n / rate;
      s += x[n] * Math.sin(a);
      c += x[n] * Math.cos(a);
    }
    return 2 * Math.hypot(s, c) / (to - from);
  }

  /** Root mean square of {@code x[from, to)}. */
  static double rms(float[] x, int from, int to) {
    double sum = 0;
    for (int n = from; n < to; n++) {
      sum += (double) x[n] * x[n];
    }
    return Math.sqrt(sum / (to - from));
  }

  static float[] plus(float[] a, float[] b) {
    float[] out = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }
}
