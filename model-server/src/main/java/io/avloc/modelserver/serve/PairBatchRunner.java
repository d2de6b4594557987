package io.avloc.modelserver.serve;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairInputException;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.modelserver.batch.BatchRunner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The batch function behind the server's {@link io.avloc.modelserver.batch.DynamicBatcher}: runs a
 * batch of pairs (from any partitions and HTTP requests) through the {@link PairLocalizer}.
 *
 * <p>Pairs with different audio window lengths (streams applications configured differently) run as
 * separate sub-batches, since one network call takes one spectrogram length. A pair whose input the
 * localizer refuses ({@link PairInputException}) gets a rejected {@link Outcome} and the rest of
 * its sub-batch runs again without it, so one corrupt frame never fails its neighbours. Any other
 * failure fails the whole batch.
 */
final class PairBatchRunner implements BatchRunner<AvPair, Outcome> {

  private final PairLocalizer localizer;
  private final LongSupplier wallClockUs;

  PairBatchRunner(PairLocalizer localizer, LongSupplier wallClockUs) {
    this.localizer = localizer;
    this.wallClockUs = wallClockUs;
  }

  @Override
  public List<Outcome> run(List<AvPair> inputs) {
    long batchStartUs = wallClockUs.getAsLong();
    Outcome[] out = new Outcome[inputs.size()];
    Map<Integer, List<Integer>> byWindow = new LinkedHashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      byWindow.computeIfAbsent(inputs.get(i).audio().length, k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : byWindow.values()) {
      runGroup(inputs, group, batchStartUs, out);
    }
    return List.of(out);
  }

  private void runGroup(
      List<AvPair> inputs, List<Integer> group, long batchStartUs, Outcome[] out) {
    List<Integer> left = new ArrayList<>(group);
    while (!left.isEmpty()) {
      List<AvPair> pairs = new ArrayList<>(left.size());
      for (int i : left) {
        pairs.add(inputs.get(i));
      }
      try {
        List<HeatmapEvent> events = localizer.localize(pairs, batchStartUs);
        if (events.size() != pairs.size()) {
          throw new IllegalStateException(
              "localizer returned " + events.size() + " events for " + pairs.size() + " pairs");
        }
        for (int k = 0; k < left.size(); k++) {
          out[left.get(k)] = Outcome.localized(events.get(k));
        }
        return;
      } catch (PairInputException e) {
        if (e.index() < 0 || e.index() >= left.size()) {
          throw new IllegalStateException("localizer named pair " + e.index() + " of " + left, e);
        }
        out[left.remove(e.index())] = Outcome.rejected(e);
      }
    }
  }
}
