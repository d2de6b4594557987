package io.avloc.core.media;

/**
 * Bounds the validator enforces on media records.
 *
 * @param maxFrameBytes largest accepted encoded frame
 * @param maxAudioBytes largest accepted audio chunk
 * @param decodeImages whether to fully decode each frame to prove it is an image (catches truncated
 *     and corrupt files at the edge of the pipeline, at the cost of a decode)
 */
public record MediaLimits(int maxFrameBytes, int maxAudioBytes, boolean decodeImages) {

  /** Audio sample rates outside this range are rejected. */
  public static final int MIN_SAMPLE_RATE = 8_000;

  public static final int MAX_SAMPLE_RATE = 96_000;
  public static final int MIN_CHANNELS = 1;
  public static final int MAX_CHANNELS = 8;

  /** 8 MiB frames, 1 MiB audio chunks (about 5 s of 48 kHz stereo), frames decoded. */
  public static final MediaLimits DEFAULT = new MediaLimits(8 << 20, 1 << 20, true);

  public MediaLimits {
    if (maxFrameBytes <= 0 || maxAudioBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }
}
