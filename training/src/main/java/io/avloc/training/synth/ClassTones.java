package io.avloc.training.synth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A diagnostic sound track: every class heard in a clip replaced by a pure tone of that class's own
 * frequency ({@code avloc train --data-format generate:N:class-tones}). The audio network then gets
 * a signal that names the class exactly and is the same for every recording of it, so a run on such
 * clips measures what the visual side and the loss can learn when the audio side is solved (issue
 * 10: is the audio network or the visual trunk what keeps the contrastive loss at chance?). Not for
 * models anyone serves: nothing real sounds like this.
 *
 * <p>Class {@code i} of the sorted on-screen classes sounds at {@code FIRST_HZ + i · SPACING_HZ}
 * (about ten spectrogram bins apart at 16 kHz and 512-sample segments); every other label (the
 * off-screen sources) shares the next frequency; the noise-only clip has no tone.
 */
final class ClassTones {

  static final double FIRST_HZ = 250;
  static final double SPACING_HZ = 300;
  static final double AMPLITUDE = 0.25;

  /** White noise under the tones, so that no spectrogram bin is exactly silent. */
  static final double NOISE = 0.005;

  private final List<String> classes;
  private final int sampleRate;

  ClassTones(Collection<String> classes, int sampleRate) {
    List<String> sorted = new ArrayList<>(classes);
    Collections.sort(sorted);
    this.classes = List.copyOf(sorted);
    this.sampleRate = sampleRate;
    double highest = FIRST_HZ + SPACING_HZ * this.classes.size();
    if (highest >= sampleRate / 2.0) {
      throw new IllegalArgumentException(
          this.classes.size()
              + " classes need tones up to "
              + highest
              + " Hz, above the Nyquist frequency of "
              + sampleRate
              + " Hz");
    }
  }

  /** The tone of {@code label}: its own for an on-screen class, one shared by all others. */
  double frequency(String label) {
    int i = Collections.binarySearch(classes, label);
    return FIRST_HZ + SPACING_HZ * (i >= 0 ? i : classes.size());
  }

  /**
   * {@code samples} samples of the tones of {@code heard} (no tone for {@link
   * ClipGenerator#NOISE_CLASS}), random phases and noise drawn from {@code seed}.
   */
  float[] render(List<String> heard, int samples, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[samples];
    for (String label : heard) {
      if (label.equals(ClipGenerator.NOISE_CLASS)) {
        continue;
      }
      double w = 2 * Math.PI * frequency(label) / sampleRate;
      double phase = rng.nextDouble(2 * Math.PI);
      for (int t = 0; t < samples; t++) {
        x[t] += AMPLITUDE * Math.sin(w * t + phase);
      }
    }
    float[] out = new float[samples];
    for (int t = 0; t < samples; t++) {
      out[t] = (float) (x[t] + NOISE * (2 * rng.nextDouble() - 1));
    }
    return out;
  }
}
