package io.avloc.core.artifact;

import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.audio.AudioWindows;
import io.avloc.core.audio.Spectrogram;
import io.avloc.core.image.ImageNormalizer;
import java.util.List;
import java.util.Objects;

/**
 * Every constant of the input pipeline, recorded in the manifest so a server feeds the model
 * exactly what the trainer did (docs/methods.md §1). A server refuses a manifest whose constants
 * differ from the code it runs rather than silently producing skewed inputs.
 */
public record Preprocessing(Audio audio, Image image) {

  public Preprocessing {
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(image, "image");
  }

  /** The papers' pipeline at 16 kHz and the given square image size. */
  public static Preprocessing standard(int imageSize) {
    return new Preprocessing(Audio.STANDARD, Image.standard(imageSize));
  }

  /**
   * Audio → log-PSD spectrogram, scipy.signal.spectrogram semantics.
   *
   * @param sampleRate every clip is resampled to this rate (a deviation: the papers keep the file's
   *     native rate)
   * @param windowSeconds length of the audio window paired with a frame
   * @param nperseg segment length (also the FFT size)
   * @param noverlap overlap between segments (hop = nperseg − noverlap)
   * @param window {@code tukey}, periodic, with {@code tukeyAlpha}
   * @param detrend {@code constant}: each segment's mean is removed before windowing
   * @param scaling {@code density}: |X|²/(fs·Σw²), one-sided, bins 1..nperseg/2−1 doubled
   * @param logEpsilon added before the natural log
   * @param divisor the log spectrogram is divided by this (Normalize(mean 0, std 12))
   * @param frames spectrogram frames T for one window
   * @param pcmScale int16 samples are divided by this
   */
  public record Audio(
      int sampleRate,
      double windowSeconds,
      int nperseg,
      int noverlap,
      String window,
      double tukeyAlpha,
      String detrend,
      String scaling,
      double logEpsilon,
      double divisor,
      int frames,
      double pcmScale) {

    /** The constants of {@link Spectrogram} and {@link AudioPreprocessor}. */
    public static final Audio STANDARD =
        new Audio(
            AudioPreprocessor.SAMPLE_RATE,
            AudioWindows.WINDOW_SECONDS,
            Spectrogram.SEGMENT,
            Spectrogram.OVERLAP,
            "tukey",
            Spectrogram.TUKEY_ALPHA,
            "constant",
            "density",
            Spectrogram.LOG_OFFSET,
            Spectrogram.LOG_SCALE,
            AudioPreprocessor.FRAMES,
            32767);
  }

  /**
   * Image → normalized CHW float tensor.
   *
   * @param size the square input size of the network
   * @param resize {@code exact}: resized to size×size without keeping the aspect ratio (the papers'
   *     test loader)
   * @param interpolation {@code bicubic-pil}: PIL-compatible antialiased bicubic, a = −0.5
   * @param mean per-channel mean, RGB
   * @param std per-channel standard deviation, RGB
   * @param layout {@code CHW}, channels RGB
   */
  public record Image(
      int size,
      String resize,
      String interpolation,
      List<Double> mean,
      List<Double> std,
      String layout) {

    /** The constants of {@link ImageNormalizer#IMAGENET} and the test-time resize. */
    public static Image standard(int size) {
      return new Image(
          size,
          "exact",
          "bicubic-pil",
          decimals(ImageNormalizer.IMAGENET_MEAN),
          decimals(ImageNormalizer.IMAGENET_STD),
          "CHW-RGB");
    }

    /** Float constants as the decimals they were written as (0.485f → 0.485, not 0.48500001…). */
    private static List<Double> decimals(float[] values) {
      List<Double> out = new java.util.ArrayList<>(values.length);
      for (float v : values) {
        out.add(Double.parseDouble(Float.toString(v)));
      }
      return List.copyOf(out);
    }
  }
}
