package io.avloc.streams.sync;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairLocalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A localizer that records its batches and answers each pair with an event carrying its window. */
final class RecordingLocalizer implements PairLocalizer {

  static final String MODEL = "fake@1";

  // Synchronized: an asynchronous batch adds to them on the inference thread.
  final List<List<AvPair>> batches = Collections.synchronizedList(new ArrayList<>());
  final List<Long> batchStarts = Collections.synchronizedList(new ArrayList<>());
  private final int maxBatch;

  RecordingLocalizer(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  @Override
  public List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs) {
    if (pairs.isEmpty() || pairs.size() > maxBatch) {
      throw new AssertionError("batch of " + pairs.size() + " pairs, max " + maxBatch);
    }
    batches.add(List.copyOf(pairs));
    batchStarts.add(batchStartUs);
    return pairs.stream().map(p -> event(p, batchStartUs)).toList();
  }

  @Override
  public int maxBatch() {
    return maxBatch;
  }

  @Override
  public String modelId() {
    return MODEL;
  }

  /** Every pair sent so far, in order. */
  List<AvPair> pairs() {
    synchronized (batches) {
      return batches.stream().flatMap(List::stream).toList();
    }
  }

  private static HeatmapEvent event(AvPair p, long batchStartUs) {
    return new HeatmapEvent(
        p.camera(),
        p.frameTsUs(),
        MODEL,
        "fnac",
        new HeatmapEvent.Grid(1, 1, new float[] {0.5f}),
        new HeatmapEvent.Peak(0.5, 0.5, 0.5),
        0.0,
        List.of(),
        new HeatmapEvent.AudioWindow(p.audioStartUs(), p.audioEndUs(), p.partial()),
        new HeatmapEvent.Latency(0, 0, 0, 0),
        batchStartUs);
  }
}
