package io.avloc.training.synth;

import io.avloc.training.synth.AssetLibrary.Recording;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mixes the sound track of one clip: {@value #SECONDS} s, mono, {@value AssetLibrary#SAMPLE_RATE}
 * Hz.
 *
 * <p>Each heard source is a recording played at a speed of 0.95 to 1.05 (by resampling, so pitch
 * and tempo change together; recordings that are alone in their class and split get a further
 * variant factor of 0.88 to 1.12, see {@link #VARIANTS}), with a gain of 0.5 to 1 relative to its
 * peak. A recording of at least 3 s contributes a window at a random offset; a shorter one is
 * looped with pauses of 0.1 to 0.6 s from a random phase (3 times in 4) or played once at a random
 * time. A noise bed (a recording of ambience, looped seamlessly from a random offset) is mixed in
 * at a signal-to-noise ratio of {@value #MIN_SNR_DB} to {@value #MAX_SNR_DB} dB, measured as mean
 * power over the whole clip. A clip with nothing heard is the noise bed alone. The mix ends with 5
 * ms fades and is scaled to a random peak (0.5 to 0.95, or 0.1 to 0.4 for noise alone), so it never
 * clips.
 *
 * <p>Stateless; every random choice comes from the generator passed in.
 */
final class SoundMixer {

  static final int SECONDS = 3;
  static final int LENGTH = SECONDS * AssetLibrary.SAMPLE_RATE;
  static final double MIN_SNR_DB = 5;
  static final double MAX_SNR_DB = 20;

  /** Extra speed factors for a recording that is the only one of its class in a split. */
  static final double[] VARIANTS = {0.88, 0.94, 1.0, 1.06, 1.12};

  private static final int FADE = AssetLibrary.SAMPLE_RATE / 200;
  private static final int NOISE_CROSSFADE = AssetLibrary.SAMPLE_RATE / 20;

  private SoundMixer() {}

  /** A recording to hear and whether it is the only one of its class in the split. */
  record Voice(Recording recording, boolean onlyOne, String role) {}

  /**
   * How a recording was used.
   *
   * @param role {@code on_screen}, {@code off_screen} or {@code noise}
   * @param mode {@code window} (a part of a long recording), {@code loop} or {@code once}
   * @param gain the factor applied to the recording (peak 1) before the final peak scaling
   * @param startSeconds where in the recording the window starts ({@code window}), the phase of the
   *     loop ({@code loop}, for the noise bed: where in the recording the clip starts) or when in
   *     the clip it starts ({@code once})
   */
  record Used(
      Recording recording,
      String role,
      double gain,
      double speed,
      String mode,
      double startSeconds) {}

  /** The mixed clip and what went into it; {@code snrDb} is NaN for noise alone. */
  record Mix(float[] samples, List<Used> sources, double snrDb, double peak) {}

  static Mix mix(List<Voice> voices, Recording noiseBed, SplittableRandom rng) {
    float[] signal = new float[LENGTH];
    List<Used> used = new ArrayList<>();
    for (Voice v : voices) {
      double speed = 0.95 + 0.1 * rng.nextDouble();
      if (v.onlyOne()) {
        speed *= VARIANTS[rng.nextInt(VARIANTS.length)];
      }
      double gain = 0.5 + 0.5 * rng.nextDouble();
      float[] x = stretch(v.recording().samples(), speed);
      float[] placed = new float[LENGTH];
      String mode;
      int start;
      if (x.length >= LENGTH) {
        mode = "window";
        start = rng.nextInt(x.length - LENGTH + 1);
        System.arraycopy(x, start, placed, 0, LENGTH);
      } else if (rng.nextDouble() < 0.75) {
        mode = "loop";
        int gap = (int) (AssetLibrary.SAMPLE_RATE * (0.1 + 0.5 * rng.nextDouble()));
        int period = x.length + gap;
        start = rng.nextInt(period);
        for (int n = 0; n < LENGTH; n++) {
          int o = (n + start) % period;
          placed[n] = o < x.length ? x[o] : 0f;
        }
      } else {
        mode = "once";
        start = rng.nextInt(LENGTH - x.length + 1);
        System.arraycopy(x, 0, placed, start, x.length);
      }
      for (int n = 0; n < LENGTH; n++) {
        signal[n] += (float) (gain * placed[n]);
      }
      used.add(
          new Used(
              v.recording(),
              v.role(),
              gain,
              speed,
              mode,
              (double) start / AssetLibrary.SAMPLE_RATE));
    }

    int bedOffset = rng.nextInt(noiseBed.samples().length);
    float[] bed = loopSeamlessly(noiseBed.samples(), bedOffset);
    double snrDb = Double.NaN;
    double k = 1;
    float[] out = new float[LENGTH];
    if (voices.isEmpty()) {
      System.arraycopy(bed, 0, out, 0, LENGTH);
    } else {
      snrDb = MIN_SNR_DB + (MAX_SNR_DB - MIN_SNR_DB) * rng.nextDouble();
      double ps = power(signal);
      double pn = power(bed);
      k = pn > 0 ? Math.sqrt(ps / (pn * StrictMath.pow(10, snrDb / 10))) : 0;
      for (int n = 0; n < LENGTH; n++) {
        out[n] = (float) (signal[n] + k * bed[n]);
      }
    }
    used.add(
        new Used(noiseBed, "noise", k, 1, "loop", (double) bedOffset / AssetLibrary.SAMPLE_RATE));
    for (int n = 0; n < FADE; n++) {
      float w = (n + 0.5f) / FADE;
      out[n] *= w;
      out[LENGTH - 1 - n] *= w;
    }
    double peak = voices.isEmpty() ? 0.1 + 0.3 * rng.nextDouble() : 0.5 + 0.45 * rng.nextDouble();
    float max = 0;
    for (float v : out) {
      max = Math.max(max, Math.abs(v));
    }
    if (max > 0) {
      float scale = (float) (peak / max);
      for (int n = 0; n < LENGTH; n++) {
        out[n] *= scale;
      }
    }
    return new Mix(out, used, snrDb, peak);
  }

  /**
   * Plays {@code x} {@code speed} times faster (Catmull-Rom interpolation): the result has {@code
   * round(length / speed)} samples, and pitch moves with tempo.
   */
  static float[] stretch(float[] x, double speed) {
    int n = (int) Math.max(1, Math.round(x.length / speed));
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      double t = i * speed;
      int k = (int) t;
      double f = t - k;
      double p0 = at(x, k - 1);
      double p1 = at(x, k);
      double p2 = at(x, k + 1);
      double p3 = at(x, k + 2);
      y[i] =
          (float)
              (p1
                  + 0.5
                      * f
                      * (p2
                          - p0
                          + f * (2 * p0 - 5 * p1 + 4 * p2 - p3 + f * (3 * (p1 - p2) + p3 - p0))));
    }
    return y;
  }

  private static double at(float[] x, int i) {
    return i < 0 || i >= x.length ? 0 : x[i];
  }

  /**
   * {@link #LENGTH} samples of {@code x} from {@code offset} on, wrapping around; the wrap is
   * hidden by cross-fading the end into the start over 50 ms.
   */
  static float[] loopSeamlessly(float[] x, int offset) {
    float[] loop;
    if (x.length > 2 * NOISE_CROSSFADE) {
      int len = x.length - NOISE_CROSSFADE;
      loop = new float[len];
      System.arraycopy(x, 0, loop, 0, len);
      for (int i = 0; i < NOISE_CROSSFADE; i++) {
        float w = (i + 0.5f) / NOISE_CROSSFADE;
        loop[i] = x[i] * w + x[len + i] * (1 - w);
      }
    } else {
      loop = x;
    }
    float[] out = new float[LENGTH];
    for (int n = 0; n < LENGTH; n++) {
      out[n] = loop[(int) ((offset + (long) n) % loop.length)];
    }
    return out;
  }

  private static double power(float[] x) {
    double s = 0;
    for (float v : x) {
      s += (double) v * v;
    }
    return s / x.length;
  }

  /** 16-bit PCM mono WAV bytes of samples in [-1, 1] (rounded, clipped). */
  static byte[] wav(float[] samples, int rate) {
    int data = samples.length * 2;
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(44 + data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + data);
    b.put(new byte[] {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '}).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2);
    b.putShort((short) 2).putShort((short) 16);
    b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(data);
    for (float v : samples) {
      b.putShort((short) Math.max(-32767, Math.min(32767, Math.round(v * 32767f))));
    }
    return b.array();
  }
}
