package io.avloc.modelserver.serve;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.modelserver.PairInputException;

/**
 * What became of one pair in a batch: its heatmap event, or the reason its input could not be used
 * (the rest of the batch still ran).
 */
record Outcome(HeatmapEvent event, PairInputException rejection) {

  static Outcome localized(HeatmapEvent event) {
    return new Outcome(event, null);
  }

  static Outcome rejected(PairInputException rejection) {
    return new Outcome(null, rejection);
  }

  boolean isRejected() {
    return rejection != null;
  }
}
