package io.avloc.feed;

/**
 * A source of timestamped frames and audio chunks for one camera.
 *
 * <p>Timestamps come from the feed's own clock: {@link #startUs()} (epoch µs when the feed started)
 * plus the media time of the item. Frame timestamps increase strictly, and so do audio chunk
 * timestamps; audio chunks are contiguous unless the source itself has a gap. Items come in the
 * order a real camera would deliver them ({@link FeedItem#availableUs()}), which the {@link
 * FeedPublisher} uses to pace a feed in real time.
 *
 * <p>A feed is used by one thread at a time.
 */
public interface CameraFeed extends AutoCloseable {

  /** The camera id, the key of every record. */
  String cameraId();

  /** Epoch µs of media time zero. */
  long startUs();

  /**
   * Whether the source paces itself (a live stream such as RTSP): the publisher then sends each
   * item as soon as it arrives instead of waiting for its time.
   */
  default boolean live() {
    return false;
  }

  /**
   * The next item.
   *
   * @return the item, or {@code null} once the feed has ended (its duration is reached or the
   *     source is exhausted)
   * @throws FeedException when the source fails (unreadable file, decode error, lost stream)
   */
  FeedItem next();

  /** Releases the source (files, decoders, connections). */
  @Override
  void close();
}
