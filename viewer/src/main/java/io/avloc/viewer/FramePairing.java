package io.avloc.viewer;

import java.util.Objects;

/**
 * Which frame a camera's latest heatmap is shown on, or why it is shown without one. A heatmap is
 * only ever drawn on the frame it was computed on (same camera, same capture time): when that frame
 * is not at hand the heatmap is shown on a blank canvas and {@link #reason()} says why, on the web
 * page, in the console lines and in the overlay's caption alike.
 *
 * @param camera the camera id
 * @param eventSeq the heatmap event's place in the watcher's arrival order (identifies the event)
 * @param eventFrameTsUs capture time of the frame the heatmap was computed on, µs since the epoch
 * @param status where that frame is
 * @param frameTsUs capture time of the frame the overlay is drawn on: {@code eventFrameTsUs} when
 *     {@link FrameCache.Status#PAIRED paired}, else {@code null} (no frame is drawn)
 * @param reason why the overlay has no frame, for people; {@code null} when paired
 */
public record FramePairing(
    String camera,
    long eventSeq,
    long eventFrameTsUs,
    FrameCache.Status status,
    Long frameTsUs,
    String reason) {

  public FramePairing {
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(status, "status");
    if ((status == FrameCache.Status.PAIRED) != (frameTsUs != null)) {
      throw new IllegalArgumentException("a frame time goes with a paired frame only: " + status);
    }
    if (frameTsUs != null && frameTsUs != eventFrameTsUs) {
      throw new IllegalArgumentException(
          "an overlay is drawn on its own frame only: event frame "
              + eventFrameTsUs
              + ", drawn on "
              + frameTsUs);
    }
  }

  /** The pairing of an event with the answer of a frame lookup. */
  static FramePairing of(String camera, long seq, long eventFrameTsUs, FrameCache.Lookup lookup) {
    return new FramePairing(
        camera,
        seq,
        eventFrameTsUs,
        lookup.status(),
        lookup.paired() ? lookup.frame().tsUs() : null,
        lookup.reason());
  }

  /** Whether the overlay is drawn on the heatmap's own frame. */
  public boolean paired() {
    return status == FrameCache.Status.PAIRED;
  }

  /** A short note for captions and console lines: {@code no frame: <reason>}; empty when paired. */
  public String note() {
    return paired() ? "" : "no frame: " + reason;
  }
}
