package io.avloc.feed;

/**
 * How synthetic cameras look and sound.
 *
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param offscreenShare share of sound segments whose source is not in view (ground truth: no box)
 * @param segmentMs length of a sound segment: every segment picks anew which object sounds (or an
 *     off-screen source), so the sounding object changes over time
 * @param noiseLevel peak amplitude of the background noise mixed into the sound (full scale 1)
 * @param jpegQuality JPEG quality of the frames, 0 to 1
 */
public record SyntheticSettings(
    int width,
    int height,
    double offscreenShare,
    int segmentMs,
    double noiseLevel,
    float jpegQuality) {

  public static final int DEFAULT_WIDTH = 320;
  public static final int DEFAULT_HEIGHT = 240;
  public static final double DEFAULT_OFFSCREEN_SHARE = 0.15;
  public static final int DEFAULT_SEGMENT_MS = 6_000;
  public static final double DEFAULT_NOISE_LEVEL = 0.02;
  public static final float DEFAULT_JPEG_QUALITY = 0.85f;

  public SyntheticSettings {
    if (width < 32 || height < 32 || width > 4096 || height > 4096) {
      throw new IllegalArgumentException(
          "frame size must be between 32x32 and 4096x4096: " + width + "x" + height);
    }
    if (!(offscreenShare >= 0 && offscreenShare <= 1)) {
      throw new IllegalArgumentException("off-screen share must be in [0, 1]: " + offscreenShare);
    }
    if (segmentMs < 100) {
      throw new IllegalArgumentException("segments must be at least 100 ms: " + segmentMs);
    }
    if (!(noiseLevel >= 0 && noiseLevel <= 1)) {
      throw new IllegalArgumentException("noise level must be in [0, 1]: " + noiseLevel);
    }
    if (!(jpegQuality > 0 && jpegQuality <= 1)) {
      throw new IllegalArgumentException("JPEG quality must be in (0, 1]: " + jpegQuality);
    }
  }

  /** 320×240, 15 % off-screen, 6 s segments, noise at 0.02, JPEG quality 0.85. */
  public static SyntheticSettings defaults() {
    return new SyntheticSettings(
        DEFAULT_WIDTH,
        DEFAULT_HEIGHT,
        DEFAULT_OFFSCREEN_SHARE,
        DEFAULT_SEGMENT_MS,
        DEFAULT_NOISE_LEVEL,
        DEFAULT_JPEG_QUALITY);
  }

  public SyntheticSettings withSize(int newWidth, int newHeight) {
    return new SyntheticSettings(
        newWidth, newHeight, offscreenShare, segmentMs, noiseLevel, jpegQuality);
  }

  public SyntheticSettings withOffscreenShare(double share) {
    return new SyntheticSettings(width, height, share, segmentMs, noiseLevel, jpegQuality);
  }

  public SyntheticSettings withSegmentMs(int ms) {
    return new SyntheticSettings(width, height, offscreenShare, ms, noiseLevel, jpegQuality);
  }

  public SyntheticSettings withNoiseLevel(double level) {
    return new SyntheticSettings(width, height, offscreenShare, segmentMs, level, jpegQuality);
  }
}
