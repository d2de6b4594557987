package io.avloc.feed;

import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.VideoFrame;
import java.util.Map;
import java.util.Objects;

/**
 * One record a {@link CameraFeed} hands to the {@link FeedPublisher}: a frame or an audio chunk.
 */
public sealed interface FeedItem {

  /** Capture time of the frame or of the chunk's first sample, µs since the epoch. */
  long tsUs();

  /**
   * When a real camera would have the item, µs since the epoch: a frame at its capture time, an
   * audio chunk once its last sample is recorded. Real-time pacing publishes each item at this
   * time.
   */
  long availableUs();

  /**
   * A video frame.
   *
   * @param frame the encoded frame and its capture time
   * @param extraHeaders further headers to send with it (e.g. {@link
   *     io.avloc.core.media.GroundTruthHeaders}), in order
   */
  record Frame(VideoFrame frame, Map<String, String> extraHeaders) implements FeedItem {
    public Frame {
      Objects.requireNonNull(frame, "frame");
      extraHeaders = extraHeaders == null ? Map.of() : extraHeaders;
    }

    public Frame(VideoFrame frame) {
      this(frame, Map.of());
    }

    @Override
    public long tsUs() {
      return frame.tsUs();
    }

    @Override
    public long availableUs() {
      return frame.tsUs();
    }
  }

  /**
   * A chunk of PCM audio.
   *
   * @param chunk the samples and the time of the first one
   */
  record Audio(AudioChunk chunk) implements FeedItem {
    public Audio {
      Objects.requireNonNull(chunk, "chunk");
    }

    @Override
    public long tsUs() {
      return chunk.tsUs();
    }

    @Override
    public long availableUs() {
      return chunk.endUs();
    }
  }
}
