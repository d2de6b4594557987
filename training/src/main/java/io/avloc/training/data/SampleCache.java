package io.avloc.training.data;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.audio.AudioDecodeException;
import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.audio.LogSpectrogram;
import io.avloc.core.audio.Spectrogram;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.RgbImage;
import io.avloc.core.image.TrainingAugmenter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deterministic part of loading a clip, kept across epochs: the decoded frame resized as the
 * first step of its pipeline (shorter side to {@code int(1.1·S)}, aspect kept, for training;
 * exactly S×S for evaluation; PIL-exact bicubic either way), as 8-bit RGB, and the clip's log
 * spectrogram (core's {@link AudioPreprocessor#offline}: decode, resample to 16 kHz, centred 3 s,
 * {@code ln(P + 1e-7) / 12}). Epochs after the first only crop, mirror, normalize and mask.
 *
 * <p>Memory per clip: the image ({@code w·h·3} bytes) plus the spectrogram (257 × 200 float32 =
 * 205,600 bytes), plus about 200 bytes of bookkeeping:
 *
 * <table>
 *   <caption>Bytes per clip (4:3 source frames)</caption>
 *   <tr><th></th><th>training</th><th>evaluation</th></tr>
 *   <tr><td>S = 224 (paper)</td><td>328×246: 447,664 (437 KiB)</td><td>224×224: 356,128 (348
 *       KiB)</td></tr>
 *   <tr><td>S = 160 (lite)</td><td>234×176: 329,152 (321 KiB)</td><td>160×160: 282,400 (276
 *       KiB)</td></tr>
 * </table>
 *
 * 16:9 frames cost more in training (437×246 at S = 224: 528,106 bytes). So 10,000 clips take about
 * 4.2 GiB at S = 224. The cache stops taking new clips when {@link #maxBytes()} would be exceeded
 * (by default half of the JVM's maximum heap); clips that do not fit are recomputed every epoch. It
 * never evicts: under a shuffled order every clip is equally likely next, so keeping a fixed set is
 * as good as any replacement policy and costs nothing.
 *
 * <p>Entries are keyed by the frame and audio paths. Thread-safe; share one instance between the
 * loaders of successive epochs (one for training, another for evaluation).
 */
public final class SampleCache {

  /** Bytes counted per entry on top of its arrays. */
  static final long ENTRY_OVERHEAD = 200;

  private final int imageSize;
  private final boolean augment;
  private final long maxBytes;
  private final PreprocessingContract preprocessing;
  private final TrainingAugmenter augmenter;
  private final Map<Key, Clip> clips = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  /** A cache bounded by half of the JVM's maximum heap. */
  public SampleCache(int imageSize, boolean augment) {
    this(imageSize, augment, Runtime.getRuntime().maxMemory() / 2);
  }

  /**
   * @param imageSize S, as in {@link LoaderConfig#imageSize()}
   * @param augment training preprocessing, as in {@link LoaderConfig#augment()}
   * @param maxBytes the most memory the cached clips may take (0 caches nothing)
   */
  public SampleCache(int imageSize, boolean augment, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be 0 or more, got " + maxBytes);
    }
    this.imageSize = imageSize;
    this.augment = augment;
    this.maxBytes = maxBytes;
    // The contract the exported model records (ModelExporter: Preprocessing.standard(size)).
    this.preprocessing = PreprocessingContract.standard(imageSize);
    this.augmenter = augment ? new TrainingAugmenter(imageSize, preprocessing.normalizer()) : null;
  }

  /** The preprocessing contract of the clips: the one serving and evaluation use. */
  public PreprocessingContract preprocessing() {
    return preprocessing;
  }

  public int imageSize() {
    return imageSize;
  }

  public boolean augment() {
    return augment;
  }

  /** The memory bound, bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Memory held now, bytes (as counted in the class comment). */
  public long bytes() {
    return bytes.get();
  }

  /** Clips held now. */
  public int size() {
    return clips.size();
  }

  /** Lookups answered from the cache. */
  public long hits() {
    return hits.get();
  }

  /** Lookups that had to decode the clip. */
  public long misses() {
    return misses.get();
  }

  /** The bytes one clip with a {@code width}×{@code height} frame takes in this cache. */
  public long clipBytes(int width, int height) {
    long pixels;
    if (augment) {
      int shorter = augmenter.shorterSide();
      int w = width <= height ? shorter : (int) ((double) ((long) shorter * width) / height);
      int h = width <= height ? (int) ((double) ((long) shorter * height) / width) : shorter;
      pixels = (long) w * h;
    } else {
      pixels = (long) imageSize * imageSize;
    }
    return pixels * 3
        + (long) Spectrogram.FREQUENCY_BINS * AudioPreprocessor.FRAMES * 4
        + ENTRY_OVERHEAD;
  }

  /**
   * The clip's resized frame and spectrogram, from the cache or decoded now (and kept if it fits).
   *
   * @throws DatasetException naming the clip and the file that could not be read
   */
  Clip clip(Sample sample) {
    Key key = new Key(sample.image(), sample.audio());
    Clip cached = clips.get(key);
    if (cached != null) {
      hits.incrementAndGet();
      return cached;
    }
    misses.incrementAndGet();
    Clip clip = load(sample);
    long size = clip.bytes();
    if (bytes.addAndGet(size) <= maxBytes) {
      if (clips.putIfAbsent(key, clip) != null) {
        bytes.addAndGet(-size);
      }
    } else {
      bytes.addAndGet(-size);
    }
    return clip;
  }

  /**
   * The deterministic steps for a clip composed in memory (never cached: a composed clip is not
   * seen again).
   *
   * @throws DatasetException naming the clip
   */
  Clip prepare(ComposedClip composed) {
    misses.incrementAndGet();
    RgbImage image;
    LogSpectrogram spectrogram;
    try {
      RgbImage decoded = composed.image();
      image =
          augment ? augmenter.resizeShorterSide(decoded) : preprocessing.images().resize(decoded);
      spectrogram = preprocessing.audio().offline(composed.audio());
    } catch (RuntimeException e) {
      throw new DatasetException(
          "cannot prepare composed clip " + composed.id() + ": " + e.getMessage(), e);
    }
    return new Clip(image, spectrogram.data());
  }

  private Clip load(Sample sample) {
    RgbImage image;
    try {
      // Training crops need the whole picture; validation decodes as serving does.
      image =
          augment
              ? augmenter.resizeShorterSide(ImageDecoder.decode(sample.image()))
              : preprocessing.images().resize(preprocessing.decodeFrame(sample.image()));
    } catch (RuntimeException e) {
      throw failure(sample, e);
    }
    LogSpectrogram spectrogram;
    try {
      spectrogram = preprocessing.offlineSpectrogram(sample.audio());
    } catch (AudioDecodeException | RuntimeException e) {
      throw failure(sample, e);
    }
    if (spectrogram.frames() != preprocessing.frames()) {
      throw new DatasetException(
          "clip "
              + sample.id()
              + ": the spectrogram of "
              + sample.audio()
              + " has "
              + spectrogram.frames()
              + " frames, expected "
              + preprocessing.frames());
    }
    return new Clip(image, spectrogram.data());
  }

  private static DatasetException failure(Sample sample, Exception e) {
    return new DatasetException("cannot load clip " + sample.id() + ": " + e.getMessage(), e);
  }

  /** A clip after the deterministic steps. Shared between epochs: read only. */
  record Clip(RgbImage image, float[] spectrogram) {
    long bytes() {
      return (long) image.pixels().length + 4L * spectrogram.length + ENTRY_OVERHEAD;
    }
  }

  private record Key(Path image, Path audio) {}
}
