package io.avloc.feed;

import io.avloc.core.audio.AudioClip;
import io.avloc.core.audio.AudioDecodeException;
import io.avloc.core.audio.AudioDecoder;
import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.audio.Resampler;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.MediaLimits;
import io.avloc.core.media.VideoFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A camera that shows the images of a folder, sorted by file name, at {@link FeedSettings#fps()},
 * with the sound of an audio file.
 *
 * <p>Images (JPEG or PNG, by content) are published byte for byte as they are on disk, with {@code
 * format} set from their content; they are read when their turn comes. The audio file (WAV in any
 * PCM or float encoding, or OGG/Vorbis; any rate and channel count) is mixed down to mono and
 * <b>resampled to 16 kHz</b>, the rate the network uses, and published as 16-bit chunks.
 *
 * <p>The slideshow lasts {@code images / fps} seconds; the audio is cut to that length, or padded
 * with silence if it is shorter. With {@link FeedSettings#loop()} it starts over (images and audio
 * together) with timestamps that keep increasing.
 */
public final class SlideshowCamera extends ClockedFeed {

  private static final int RATE = AudioPreprocessor.SAMPLE_RATE;

  private final List<Path> images;
  private final float[] audio;
  private final boolean loop;
  private final long spanSamples;

  private SlideshowCamera(
      String cameraId, long startUs, FeedSettings settings, List<Path> images, float[] audio) {
    super(cameraId, startUs, settings, RATE);
    this.images = images;
    this.audio = audio;
    this.loop = settings.loop();
    this.spanSamples = Math.max(1, (long) images.size() * RATE / settings.fpsOrDefault());
  }

  /**
   * Opens the folder and decodes the audio file.
   *
   * @throws FeedException if the folder has no images or the audio file does not decode
   */
  public static SlideshowCamera open(
      String cameraId, long startUs, Path imageDir, Path audioFile, FeedSettings settings) {
    List<Path> images = listImages(imageDir);
    AudioClip clip;
    try {
      clip = AudioDecoder.read(audioFile);
    } catch (AudioDecodeException e) {
      throw new FeedException(e.getMessage(), e);
    }
    return new SlideshowCamera(
        cameraId, startUs, settings, images, Resampler.toRate(clip, RATE).samples());
  }

  /** The images of {@code dir} the slideshow shows, in order. */
  static List<Path> listImages(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new FeedException("image folder " + dir + " does not exist or is not a folder");
    }
    List<Path> images;
    try (Stream<Path> files = Files.list(dir)) {
      images =
          files
              .filter(Files::isRegularFile)
              .filter(p -> isImageName(p.getFileName().toString()))
              .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
              .toList();
    } catch (IOException e) {
      throw new FeedException("cannot list image folder " + dir + ": " + e, e);
    }
    if (images.isEmpty()) {
      throw new FeedException("image folder " + dir + " has no .jpg, .jpeg or .png files");
    }
    return images;
  }

  private static boolean isImageName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
  }

  /** Number of images per pass. */
  public int imageCount() {
    return images.size();
  }

  @Override
  long frameCount() {
    return loop ? UNBOUNDED : images.size();
  }

  @Override
  long sampleCount() {
    return loop ? UNBOUNDED : spanSamples;
  }

  @Override
  FeedItem.Frame frame(long index, long tsUs) {
    Path file = images.get((int) (index % images.size()));
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new FeedException("cannot read image " + file + ": " + e, e);
    }
    ImageFormat format = ImageFormat.sniff(data);
    if (format == null) {
      throw new FeedException("image " + file + " is neither a JPEG nor a PNG file");
    }
    if (data.length > MediaLimits.DEFAULT.maxFrameBytes()) {
      throw new FeedException(
          "image "
              + file
              + " is "
              + data.length
              + " bytes, over the frame limit of "
              + MediaLimits.DEFAULT.maxFrameBytes());
    }
    return new FeedItem.Frame(new VideoFrame(tsUs, format, data));
  }

  @Override
  float[] samples(long first, int count) {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      long local = (first + i) % spanSamples;
      out[i] = local < audio.length ? audio[(int) local] : 0f;
    }
    return out;
  }

  @Override
  public void close() {
    // files are read on demand; nothing is held open
  }
}
