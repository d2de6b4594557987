package io.avloc.core.artifact;

import io.avloc.core.audio.AudioClip;
import io.avloc.core.audio.AudioDecodeException;
import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.audio.LogSpectrogram;
import io.avloc.core.audio.Spectrogram;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.ImageLimits;
import io.avloc.core.image.ImageNormalizer;
import io.avloc.core.image.ImagePreprocessor;
import io.avloc.core.image.RgbImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one preprocessing contract of a model: what goes into its network (image size, layout, value
 * range and normalisation; audio window and spectrogram parameters), built once from what its
 * manifest records ({@link Preprocessing}) and used by every path that feeds a network: training
 * (the batch loader and its validation), {@code avloc eval}, the streams application's embedded
 * inference and {@code avloc serve}. No path builds its own image or audio preprocessing; each asks
 * this factory, which hands out one shared instance per set of constants ({@link #of}), so "the
 * same contract" is checkable by identity.
 *
 * <p>A manifest whose constants this avloc cannot honour (another normalisation, another
 * spectrogram, an invalid window) or whose constants disagree with its own graph (the image input's
 * size, the spectrogram input's bins and frames) is refused with an {@link
 * InvalidArtifactException} naming the field: by {@link ModelArtifact#load} and so by every path.
 *
 * <p>Thread-safe and immutable.
 */
public final class PreprocessingContract {

  /** Longest audio window a manifest may ask for, seconds. */
  public static final double MAX_WINDOW_SECONDS = 60;

  /** Largest square image input a manifest may ask for, pixels a side. */
  public static final int MAX_IMAGE_SIZE = 2048;

  private static final ConcurrentMap<Preprocessing, PreprocessingContract> CONTRACTS =
      new ConcurrentHashMap<>();

  private final Preprocessing declared;
  private final ImagePreprocessor images;
  private final AudioPreprocessor audio;
  private final Spectrogram spectrogram;
  private final ImageLimits imageLimits;
  private final int windowSamples;

  private PreprocessingContract(Preprocessing declared) {
    this.declared = declared;
    this.images = new ImagePreprocessor(declared.image().size(), ImageNormalizer.IMAGENET);
    this.audio = new AudioPreprocessor(declared.audio().windowSeconds());
    this.spectrogram = new Spectrogram(declared.audio().sampleRate());
    this.imageLimits = ImageLimits.DEFAULT;
    this.windowSamples = windowSamples(declared.audio());
  }

  /**
   * The contract of a model: its manifest's constants, checked against what this avloc implements
   * and against the manifest's own graph inputs.
   *
   * @throws InvalidArtifactException naming the disagreement and what to do
   */
  public static PreprocessingContract of(ModelManifest manifest) {
    Objects.requireNonNull(manifest, "manifest");
    List<String> problems = new ArrayList<>(problems(manifest.preprocessing()));
    if (problems.isEmpty()) {
      problems.addAll(graphProblems(manifest));
    }
    if (!problems.isEmpty()) {
      throw new InvalidArtifactException(
          "manifest of "
              + manifest.id()
              + ": "
              + String.join("; ", problems)
              + "; re-export the model with 'avloc model init' or 'avloc train'");
    }
    return intern(manifest.preprocessing());
  }

  /**
   * The contract for a set of constants (training, before any manifest exists: it records {@link
   * #declared()} in the manifest it writes).
   *
   * @throws InvalidArtifactException when this avloc cannot honour the constants
   */
  public static PreprocessingContract of(Preprocessing preprocessing) {
    Objects.requireNonNull(preprocessing, "preprocessing");
    List<String> problems = problems(preprocessing);
    if (!problems.isEmpty()) {
      throw new InvalidArtifactException(
          "preprocessing constants this avloc cannot honour: " + String.join("; ", problems));
    }
    return intern(preprocessing);
  }

  /** The papers' pipeline at a square image size: what {@code avloc train} records. */
  public static PreprocessingContract standard(int imageSize) {
    return of(Preprocessing.standard(imageSize));
  }

  private static PreprocessingContract intern(Preprocessing p) {
    return CONTRACTS.computeIfAbsent(p, PreprocessingContract::new);
  }

  /** What this avloc cannot do of {@code p}, empty when it implements all of it. */
  private static List<String> problems(Preprocessing p) {
    List<String> out = new ArrayList<>();
    Preprocessing.Audio a = p.audio();
    Preprocessing.Audio std = Preprocessing.Audio.STANDARD;
    if (a.sampleRate() != std.sampleRate()) {
      out.add("audio.sampleRate is " + a.sampleRate() + ", avloc computes spectrograms at 16000");
    }
    if (!(a.windowSeconds() > 0) || !(a.windowSeconds() <= MAX_WINDOW_SECONDS)) {
      out.add(
          "audio.windowSeconds is "
              + a.windowSeconds()
              + ", it must be over 0 and at most "
              + MAX_WINDOW_SECONDS);
    } else {
      int expected = Spectrogram.frameCount(windowSamples(a));
      if (expected < 1) {
        out.add(
            "audio.windowSeconds "
                + a.windowSeconds()
                + " is shorter than one spectrogram segment ("
                + Spectrogram.SEGMENT
                + " samples)");
      } else if (a.frames() != expected) {
        out.add(
            "audio.frames is "
                + a.frames()
                + " but a "
                + a.windowSeconds()
                + " s window gives "
                + expected
                + " spectrogram frames");
      }
    }
    Preprocessing.Audio sameWindow =
        new Preprocessing.Audio(
            std.sampleRate(),
            a.windowSeconds(),
            std.nperseg(),
            std.noverlap(),
            std.window(),
            std.tukeyAlpha(),
            std.detrend(),
            std.scaling(),
            std.logEpsilon(),
            std.divisor(),
            a.frames(),
            std.pcmScale());
    if (a.sampleRate() == std.sampleRate() && !a.equals(sameWindow)) {
      out.add("audio spectrogram constants " + a + " differ from avloc's " + sameWindow);
    }
    Preprocessing.Image i = p.image();
    if (i.size() < 1 || i.size() > MAX_IMAGE_SIZE) {
      out.add("image.size is " + i.size() + ", it must be 1 to " + MAX_IMAGE_SIZE);
    } else if (!i.equals(Preprocessing.Image.standard(i.size()))) {
      out.add(
          "image constants "
              + i
              + " differ from avloc's "
              + Preprocessing.Image.standard(i.size()));
    }
    return out;
  }

  /** Where the manifest's preprocessing disagrees with its declared graph inputs. */
  private static List<String> graphProblems(ModelManifest m) {
    List<String> out = new ArrayList<>();
    TensorSpec image = m.inputs().get("image");
    TensorSpec spec = m.inputs().get("spectrogram");
    if (image == null || spec == null) {
      out.add("it must declare the graph inputs 'image' and 'spectrogram'");
      return out;
    }
    int size = m.preprocessing().image().size();
    if (image.rank() != 4
        || !fixed(image, 1, 3)
        || !fixed(image, 2, size)
        || !fixed(image, 3, size)) {
      out.add(
          "preprocessing.image.size is "
              + size
              + " but the graph's image input is "
              + image
              + " (expected [N,3,"
              + size
              + ","
              + size
              + "])");
    }
    int frames = m.preprocessing().audio().frames();
    if (spec.rank() != 4
        || !fixed(spec, 1, 1)
        || !fixed(spec, 2, Spectrogram.FREQUENCY_BINS)
        || !(spec.isSymbolic(3) || fixed(spec, 3, frames))) {
      out.add(
          "the graph's spectrogram input is "
              + spec
              + " but the preprocessing gives [N,1,"
              + Spectrogram.FREQUENCY_BINS
              + ","
              + frames
              + "] (frames "
              + frames
              + " for a "
              + m.preprocessing().audio().windowSeconds()
              + " s window)");
    }
    return out;
  }

  private static boolean fixed(TensorSpec spec, int dim, long value) {
    return !spec.isSymbolic(dim) && spec.size(dim) == value;
  }

  private static int windowSamples(Preprocessing.Audio a) {
    return (int) Math.round(a.windowSeconds() * a.sampleRate());
  }

  /** The constants, as recorded in a manifest. */
  public Preprocessing declared() {
    return declared;
  }

  /** S of the network's n × 3 × S × S image input. */
  public int imageSize() {
    return declared.image().size();
  }

  /** Floats of one preprocessed image, 3 × S × S. */
  public int imageFloats() {
    return 3 * imageSize() * imageSize();
  }

  /** The normalisation of the image input (ImageNet mean and std, RGB). */
  public ImageNormalizer normalizer() {
    return ImageNormalizer.IMAGENET;
  }

  /** Test-time image preprocessing: exact resize to S × S (PIL bicubic), normalised, CHW. */
  public ImagePreprocessor images() {
    return images;
  }

  /** The image-size rule every path applies before decoding a frame. */
  public ImageLimits imageLimits() {
    return imageLimits;
  }

  /**
   * Decodes a frame for this network: size checked against {@link #imageLimits()} before any pixel
   * is decoded, then decoded subsampled towards S × S ({@link ImageDecoder#decodeFor}).
   */
  public RgbImage decodeFrame(byte[] encoded) {
    return ImageDecoder.decodeFor(encoded, imageSize(), imageSize(), imageLimits);
  }

  /** {@link #decodeFrame(byte[])} of an image file (training validation, evaluation). */
  public RgbImage decodeFrame(Path file) {
    return ImageDecoder.decodeFor(file, imageSize(), imageSize(), imageLimits);
  }

  /** Decodes a frame ({@link #decodeFrame}) and writes its 3 × S × S input into dst at offset. */
  public void frameInto(byte[] encoded, float[] dst, int offset) {
    images.preprocess(decodeFrame(encoded), dst, offset);
  }

  /** Writes an already decoded picture's 3 × S × S input into dst at offset. */
  public void imageInto(RgbImage picture, float[] dst, int offset) {
    images.preprocess(picture, dst, offset);
  }

  /** The network's audio sample rate, Hz (16000). */
  public int sampleRate() {
    return declared.audio().sampleRate();
  }

  /** The audio window paired with a frame. */
  public Duration window() {
    return Duration.ofNanos(Math.round(declared.audio().windowSeconds() * 1e9));
  }

  /** The audio window in samples at {@link #sampleRate()}. */
  public int windowSamples() {
    return windowSamples;
  }

  /** F of the n × 1 × F × T spectrogram input (257). */
  public int frequencyBins() {
    return Spectrogram.FREQUENCY_BINS;
  }

  /** T of the spectrogram of one window. */
  public int frames() {
    return declared.audio().frames();
  }

  /** Floats of one spectrogram of one window, F × T. */
  public int spectrogramFloats() {
    return frequencyBins() * frames();
  }

  /** The log spectrogram (scipy semantics, ln(P + 1e-7) / 12). */
  public Spectrogram spectrogram() {
    return spectrogram;
  }

  /** Offline audio: decode, resample to 16 kHz, the centred window, spectrogram. */
  public AudioPreprocessor audio() {
    return audio;
  }

  /** The spectrogram of the centred window of an audio file (training, evaluation). */
  public LogSpectrogram offlineSpectrogram(Path file) throws AudioDecodeException {
    return audio.offline(file);
  }

  /** The centred window of a clip, resampled to 16 kHz ({@code avloc serve}'s HTTP requests). */
  public AudioClip centredWindow(AudioClip clip) {
    return audio.centredWindow(clip);
  }

  @Override
  public String toString() {
    return "PreprocessingContract[image "
        + imageSize()
        + "x"
        + imageSize()
        + ", window "
        + declared.audio().windowSeconds()
        + " s, "
        + frames()
        + " frames]";
  }
}
