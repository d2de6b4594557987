package io.avloc.feed;

import io.avloc.core.media.AudioChunk;

/**
 * A feed whose frames come at a fixed rate and whose audio is generated at a fixed sample rate in
 * fixed-size chunks: frame {@code k} is at {@code start + floor(k * 10^6 / fps)} µs and chunk
 * {@code k} starts at {@code start + floor(k * chunkSamples * 10^6 / rate)} µs, so chunks are
 * contiguous and nothing drifts. Items are interleaved by {@link FeedItem#availableUs()}; on a tie
 * the audio chunk goes first.
 */
abstract class ClockedFeed implements CameraFeed {

  /** Unbounded stream length. */
  static final long UNBOUNDED = Long.MAX_VALUE;

  private final String cameraId;
  private final long startUs;
  private final int fps;
  private final int sampleRate;
  private final int chunkSamples;
  private final long limitUs;
  private long nextFrame;
  private long nextChunk;

  ClockedFeed(String cameraId, long startUs, FeedSettings settings, int sampleRate) {
    this.cameraId = cameraId;
    this.startUs = startUs;
    this.fps = settings.fpsOrDefault();
    this.sampleRate = sampleRate;
    this.chunkSamples = settings.chunkSamples(sampleRate);
    this.limitUs = settings.limitUs();
  }

  @Override
  public final String cameraId() {
    return cameraId;
  }

  @Override
  public final long startUs() {
    return startUs;
  }

  final int fps() {
    return fps;
  }

  final int sampleRate() {
    return sampleRate;
  }

  /** Media time of frame {@code k}, µs. */
  final long frameOffsetUs(long k) {
    return k * 1_000_000L / fps;
  }

  /** Media time of sample {@code n}, µs (rounded down). */
  final long sampleOffsetUs(long n) {
    return n * 1_000_000L / sampleRate;
  }

  /** Number of frames the source has ({@link #UNBOUNDED} for an endless one). */
  abstract long frameCount();

  /** Number of samples the source has ({@link #UNBOUNDED} for an endless one). */
  abstract long sampleCount();

  /** Renders frame {@code index} with capture time {@code tsUs}. */
  abstract FeedItem.Frame frame(long index, long tsUs);

  /** Mono samples {@code [first, first + count)} in [-1, 1]. */
  abstract float[] samples(long first, int count);

  @Override
  public final FeedItem next() {
    boolean frameLeft = nextFrame < frameCount() && frameOffsetUs(nextFrame) < limitUs;
    long chunkFirst = nextChunk * chunkSamples;
    boolean chunkLeft = chunkFirst < sampleCount() && sampleOffsetUs(chunkFirst) < limitUs;
    if (!frameLeft && !chunkLeft) {
      return null;
    }
    int count = (int) Math.min(chunkSamples, sampleCount() - chunkFirst);
    long chunkEndOffset = sampleOffsetUs(chunkFirst + count);
    if (chunkLeft && (!frameLeft || chunkEndOffset <= frameOffsetUs(nextFrame))) {
      nextChunk++;
      return new FeedItem.Audio(
          AudioChunk.fromMono(
              startUs + sampleOffsetUs(chunkFirst), sampleRate, samples(chunkFirst, count)));
    }
    long index = nextFrame++;
    return frame(index, startUs + frameOffsetUs(index));
  }
}
