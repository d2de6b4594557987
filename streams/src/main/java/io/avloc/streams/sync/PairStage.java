package io.avloc.streams.sync;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairLocalizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
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

  /** One value per pair, in order. */
  List<V> run(List<AvPair> pairs, long batchStartUs);

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

      @Override
      public List<HeatmapEvent> run(List<AvPair> pairs, long batchStartUs) {
        List<HeatmapEvent> events = localizer.localize(pairs, batchStartUs);
        if (events == null || events.size() != pairs.size()) {
          throw new IllegalStateException(
              "localizer returned "
                  + (events == null ? "null" : events.size() + " events")
                  + " for "
                  + pairs.size()
                  + " pairs");
        }
        return events;
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
      public List<AvPair> run(List<AvPair> pairs, long batchStartUs) {
        return pairs;
      }

      @Override
      public Headers headers(Headers frameHeaders, AvPair pair) {
        return new RecordHeaders(frameHeaders.toArray());
      }
    };
  }
}
