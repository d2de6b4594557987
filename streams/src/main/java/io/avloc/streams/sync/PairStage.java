package io.avloc.streams.sync;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairInputException;
import io.avloc.modelserver.PairLocalizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The synchronizer's last step: what it forwards for a batch of ready pairs. Embedded mode
 * localizes them ({@link #localizing}, heatmap events); distributed mode forwards the pairs
 * themselves to the pairs topic for the model servers ({@link #forwarding}).
 *
 * @param <V> the value forwarded per pair
 */
public interface PairStage<V> {

  /** Largest batch; read per batch, as a runtime may change it while running. */
  int maxBatch();

  /**
   * One value per pair, in order; {@code null} for a pair the stage could not use, which it reports
   * to {@code rejected} (its frame is dead-lettered, the rest of the batch is not lost).
   */
  List<V> run(List<AvPair> pairs, long batchStartUs, Consumer<Rejection> rejected);

  /**
   * A pair whose input cannot go into the network, e.g. a frame that passed the cheap header check
   * at ingest but does not decode.
   *
   * @param index the pair's position in the batch
   * @param reason machine-readable, e.g. {@code UNDECODABLE_IMAGE}
   * @param message what was wrong and what to do
   */
  record Rejection(int index, String reason, String message) {}

  /** The forwarded record's headers: a copy of the frame record's plus what the stage adds. */
  Headers headers(Headers frameHeaders, V value);

  /**
   * Embedded mode: runs {@code localizer} and forwards heatmap events with a {@code model} header.
   */
  static PairStage<HeatmapEvent> localizing(PairLocalizer localizer) {
    Objects.requireNonNull(localizer, "localizer");
    return new PairStage<>() {
      @Override
      public int maxBatch() {
        return localizer.maxBatch();
      }

      /**
       * Runs the batch; a pair the localizer refuses ({@link PairInputException}) is reported and
       * the others run again without it, so one bad frame costs its batch one more run, never its
       * other pairs.
       */
      @Override
      public List<HeatmapEvent> run(
          List<AvPair> pairs, long batchStartUs, Consumer<Rejection> rejected) {
        HeatmapEvent[] out = new HeatmapEvent[pairs.size()];
        List<Integer> left = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
          left.add(i);
        }
        while (!left.isEmpty()) {
          List<AvPair> batch = new ArrayList<>(left.size());
          for (int i : left) {
            batch.add(pairs.get(i));
          }
          List<HeatmapEvent> events;
          try {
            events = localizer.localize(batch, batchStartUs);
          } catch (PairInputException e) {
            if (e.index() < 0 || e.index() >= left.size()) {
              throw new IllegalStateException(
                  "localizer named pair " + e.index() + " of a batch of " + left.size(), e);
            }
            int index = left.remove(e.index());
            rejected.accept(new Rejection(index, e.reason(), e.getMessage()));
            continue;
          }
          if (events == null || events.size() != batch.size()) {
            throw new IllegalStateException(
                "localizer returned "
                    + (events == null ? "null" : events.size() + " events")
                    + " for "
                    + batch.size()
                    + " pairs");
          }
          for (int k = 0; k < left.size(); k++) {
            out[left.get(k)] = events.get(k);
          }
          break;
        }
        return Arrays.asList(out);
      }

      /**
       * The frame's headers plus {@code model}: the model that produced the event ({@code
       * event.model()}), so a hot swap between batches cannot mislabel a heatmap.
       */
      @Override
      public Headers headers(Headers frameHeaders, HeatmapEvent event) {
        Headers h = new RecordHeaders(frameHeaders.toArray());
        h.remove(AvlocHeaders.MODEL);
        h.add(AvlocHeaders.MODEL, event.model().getBytes(StandardCharsets.UTF_8));
        return h;
      }
    };
  }

  /**
   * Distributed mode: forwards each pair as soon as it is ready (batches of one: the model servers
   * batch across partitions themselves), with the frame's headers; the sink's {@link
   * io.avloc.core.pair.PairCodec} serializer adds the pair headers.
   */
  static PairStage<AvPair> forwarding() {
    return new PairStage<>() {
      @Override
      public int maxBatch() {
        return 1;
      }

      @Override
      public List<AvPair> run(List<AvPair> pairs, long batchStartUs, Consumer<Rejection> rejected) {
        return pairs;
      }

      @Override
      public Headers headers(Headers frameHeaders, AvPair pair) {
        return new RecordHeaders(frameHeaders.toArray());
      }
    };
  }
}
