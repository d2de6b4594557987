package io.avloc.viewer;

/**
 * One camera's live statistics at the moment of a {@link WatchStats} snapshot. Values that are not
 * defined yet (no samples in the window, no ground truth) are {@code null}, never NaN, so the
 * record serializes to valid JSON.
 *
 * @param camera the camera id
 * @param model {@code name@version} of the model behind the latest event
 * @param method training method of that model
 * @param events heatmap events seen since the watcher started
 * @param eventsPerSecond arrival rate over the sliding window
 * @param lastFrameTsUs capture time of the latest event's frame, µs since the epoch
 * @param lastSeenUs when the latest event arrived at the watcher, µs since the epoch
 * @param peakX the latest peak, normalized x
 * @param peakY the latest peak, normalized y
 * @param peakScore the latest peak's map value
 * @param avScore the latest event's audio-visual score
 * @param boxes how many boxes the latest event has
 * @param latencyMs end-to-end latency (arrival at the watcher − frame capture) over the window
 * @param pipelineLatencyMs the latest event's own {@code latencyMs.total}
 * @param partialAudioShare share of events in the window whose audio window was partial
 * @param accuracy localization accuracy against ground truth, since the watcher started
 */
public record CameraSnapshot(
    String camera,
    String model,
    String method,
    long events,
    double eventsPerSecond,
    long lastFrameTsUs,
    long lastSeenUs,
    double peakX,
    double peakY,
    double peakScore,
    double avScore,
    int boxes,
    Latency latencyMs,
    double pipelineLatencyMs,
    Double partialAudioShare,
    Accuracy accuracy) {

  /**
   * End-to-end latency percentiles (nearest rank) over the events in the sliding window.
   *
   * @param samples how many events the percentiles are taken over
   */
  public record Latency(Double p50, Double p99, Double max, int samples) {}

  /**
   * Live localization accuracy against the {@code gt-*} headers, cumulative since the watcher
   * started.
   *
   * @param gtClass the latest event's ground-truth class, or {@code null}
   * @param onscreen whether the latest event's source was on screen, or {@code null} without ground
   *     truth
   * @param evaluated events with an on-screen source and a box to check the peak against
   * @param hits of those, events whose peak lies inside a ground-truth box
   * @param pointingAccuracy {@code hits / evaluated}, or {@code null} before the first evaluated
   *     event
   * @param offscreen events whose source was off-screen (not part of the accuracy)
   * @param withoutTruth events without usable ground truth, or on screen without a box
   * @param meanAvScoreOnscreen mean {@code avScore} of events with an on-screen source
   * @param meanAvScoreOffscreen mean {@code avScore} of events with an off-screen source
   */
  public record Accuracy(
      String gtClass,
      Boolean onscreen,
      long evaluated,
      long hits,
      Double pointingAccuracy,
      long offscreen,
      long withoutTruth,
      Double meanAvScoreOnscreen,
      Double meanAvScoreOffscreen) {}
}
