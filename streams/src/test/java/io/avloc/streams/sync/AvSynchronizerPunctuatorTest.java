package io.avloc.streams.sync;

import static io.avloc.streams.sync.SyncTestBed.MS;
import static io.avloc.streams.sync.SyncTestBed.S;
import static io.avloc.streams.sync.SyncTestBed.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The punctuators, driven by hand on a {@link MockProcessorContext} with an injected clock. */
class AvSynchronizerPunctuatorTest {

  private final MockProcessorContext<String, HeatmapEvent> context = new MockProcessorContext<>();
  private final RecordingLocalizer localizer = new RecordingLocalizer(8);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong wallUs = new AtomicLong(T0);
  private AvSynchronizer<HeatmapEvent> sync;

  @BeforeEach
  void setUp() {
    for (StoreBuilder<?> builder : SyncStores.inMemoryBuilders()) {
      StateStore store = builder.withLoggingDisabled().withCachingDisabled().build();
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }
    sync =
        new AvSynchronizer<>(
            AvSyncConfig.defaults().withMode(SyncMode.CATCH_UP),
            PairStage.localizing(localizer),
            SyncMetrics.boundTo(registry),
            wallUs::get);
    sync.init(context);
  }

  private CapturedPunctuator punctuator(Duration interval) {
    return context.scheduledPunctuators().stream()
        .filter(p -> p.getInterval().equals(interval))
        .findFirst()
        .orElseThrow();
  }

  private void fire(Duration interval) {
    punctuator(interval).getPunctuator().punctuate(wallUs.get() / MS);
  }

  private void readyFrame(String camera) {
    for (long ts = T0; ts < T0 + 3_500 * MS; ts += 100 * MS) {
      sync.process(
          new Record<>(camera, AudioChunk.fromMono(ts, 16_000, new float[1_600]), ts / MS));
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add("gt-box", "0 0 1 1".getBytes(StandardCharsets.UTF_8));
    sync.process(
        new Record<>(
            camera,
            new VideoFrame(T0 + 3 * S, ImageFormat.PNG, new byte[] {1, 2, 3}),
            (T0 + 3 * S) / MS,
            headers));
  }

  @Test
  void schedulesTheBatchAndExpiryPunctuatorsOnTheWallClock() {
    assertThat(context.scheduledPunctuators())
        .extracting(CapturedPunctuator::getInterval, CapturedPunctuator::getType)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                Duration.ofMillis(25), PunctuationType.WALL_CLOCK_TIME),
            org.assertj.core.groups.Tuple.tuple(
                Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME));
  }

  @Test
  void batchPunctuatorForwardsTheQueuedPairs() {
    readyFrame("cam");
    assertThat(context.forwarded()).isEmpty();

    wallUs.addAndGet(7 * MS);
    fire(Duration.ofMillis(25));
    // CATCH_UP: records came since the last tick, so the batch may still fill.
    assertThat(context.forwarded()).isEmpty();

    wallUs.addAndGet(25 * MS);
    fire(Duration.ofMillis(25)); // no record since: the partial batch runs

    List<MockProcessorContext.CapturedForward<? extends String, ? extends HeatmapEvent>> out =
        context.forwarded();
    assertThat(out).hasSize(1);
    Record<? extends String, ? extends HeatmapEvent> record = out.get(0).record();
    assertThat(record.key()).isEqualTo("cam");
    assertThat(record.timestamp()).isEqualTo((T0 + 3 * S) / MS);
    assertThat(record.headers().lastHeader("gt-box")).isNotNull();
    assertThat(
            new String(
                record.headers().lastHeader(AvlocHeaders.MODEL).value(), StandardCharsets.UTF_8))
        .isEqualTo(RecordingLocalizer.MODEL);
    assertThat(localizer.batchStarts).containsExactly(T0 + 32 * MS);
  }

  @Test
  void batchPunctuatorWithNothingReadyDoesNotCallTheLocalizer() {
    fire(Duration.ofMillis(25));
    assertThat(localizer.batches).isEmpty();
    assertThat(context.forwarded()).isEmpty();
  }

  @Test
  void expiryPunctuatorForgetsCamerasIdleOnTheInjectedClock() {
    readyFrame("cam");
    fire(Duration.ofMillis(25));
    KeyValueStore<String, CameraState> cameras = context.getStateStore(SyncStores.CAMERAS);
    assertThat(cameras.get("cam")).isNotNull();

    wallUs.addAndGet(59 * S);
    fire(Duration.ofSeconds(1));
    assertThat(cameras.get("cam")).isNotNull();

    wallUs.addAndGet(1 * S);
    fire(Duration.ofSeconds(1));
    assertThat(cameras.get("cam")).isNull();
    assertThat(registry.get(SyncMetrics.CAMERAS_EXPIRED).counter().count()).isEqualTo(1);
    assertThat(registry.get(SyncMetrics.CAMERAS_ACTIVE).gauge().value()).isZero();
  }

  @Test
  void closingTheProcessorTakesItsCamerasOffTheGauge() {
    readyFrame("a");
    readyFrame("b");
    assertThat(registry.get(SyncMetrics.CAMERAS_ACTIVE).gauge().value()).isEqualTo(2);
    sync.close();
    assertThat(registry.get(SyncMetrics.CAMERAS_ACTIVE).gauge().value()).isZero();
  }
}
