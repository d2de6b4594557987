package io.avloc.feed;

import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import java.util.Map;
import java.util.Objects;

/**
 * A camera that films a {@link SyntheticScene}: JPEG frames at {@link FeedSettings#fps()} with
 * {@link GroundTruthHeaders} and 16 kHz mono audio in chunks of {@link FeedSettings#chunkMs()}.
 * Endless unless {@link FeedSettings#duration()} is set.
 */
public final class SyntheticCamera extends ClockedFeed {

  private final SyntheticScene scene;
  private final JpegEncoder jpeg;

  /**
   * @param cameraId record key
   * @param startUs epoch µs of media time zero
   * @param scene what the camera sees and hears
   * @param settings rate, chunk length, duration
   * @param jpegQuality JPEG quality, 0 to 1
   */
  public SyntheticCamera(
      String cameraId,
      long startUs,
      SyntheticScene scene,
      FeedSettings settings,
      float jpegQuality) {
    super(cameraId, startUs, settings, SyntheticAssets.SAMPLE_RATE);
    this.scene = Objects.requireNonNull(scene, "scene");
    this.jpeg = new JpegEncoder(jpegQuality);
  }

  /** The scene this camera films. */
  public SyntheticScene scene() {
    return scene;
  }

  @Override
  long frameCount() {
    return UNBOUNDED;
  }

  @Override
  long sampleCount() {
    return UNBOUNDED;
  }

  @Override
  FeedItem.Frame frame(long index, long tsUs) {
    SyntheticScene.Picture p = scene.render(tsUs - startUs());
    Map<String, String> headers = GroundTruthHeaders.asText(p.truth());
    return new FeedItem.Frame(
        new VideoFrame(tsUs, ImageFormat.JPEG, jpeg.encode(p.image())), headers);
  }

  @Override
  float[] samples(long first, int count) {
    return scene.samples(first, count);
  }

  @Override
  public void close() {
    jpeg.close();
  }
}
