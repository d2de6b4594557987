package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.feed.FeedPublisher;
import io.avloc.feed.SyntheticCameras;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.streams.sync.DropReason;
import io.avloc.streams.sync.SyncMetrics;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-time mode on a real broker with an engine at half the rate the cameras need: four live
 * synthetic cameras (25 fps, 5 Hz cap: 20 pairs/s) and an engine that takes 100 ms a pair (10
 * pairs/s). Every camera must keep being served, fairly, with the excess shed and counted.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RealtimeOverloadIT {

  private static final int CAMERAS = 4;
  private static final long PAIR_MS = 100;
  private static final int HEATMAPS = 120;

  @TempDir Path tmp;

  @Test
  void fourCamerasOnAnEngineAtHalfTheNeededRateAreAllServedAndNoneStarves(KafkaBroker broker)
      throws Exception {
    String prefix = TestTopics.unique("overload");
    Map<String, String> overrides = PipelineFixture.settings(broker, prefix, tmp.resolve("state"));
    overrides.put(StreamsSettings.SYNC_MODE_CONFIG, "realtime");
    StreamsSettings settings = StreamsSettings.of(overrides);
    String heatmapTopic = settings.get(StreamsSettings.TOPIC_HEATMAPS_CONFIG);
    TestTopics.create(
        broker,
        2,
        settings.get(StreamsSettings.TOPIC_FRAMES_CONFIG),
        settings.get(StreamsSettings.TOPIC_AUDIO_CONFIG),
        heatmapTopic,
        settings.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG));

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SlowEngine engine = new SlowEngine(settings.getInt(StreamsSettings.BATCH_MAX_CONFIG));
    List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
    try (KafkaStreams streams =
            new KafkaStreams(
                AvlocTopology.build(settings, engine, registry),
                AvlocStreamsApp.streamsProperties(settings));
        KafkaConsumer<byte[], byte[]> reader = TestTopics.committedReader(broker, heatmapTopic)) {
      streams.start();
      try (FeedPublisher feed =
          SyntheticCameras.builder()
              .cameras(CAMERAS)
              .seed(3)
              .cameraIdPrefix(prefix)
              .publish(
                  FeedPublisher.Settings.defaults()
                      .withTopics(
                          settings.get(StreamsSettings.TOPIC_FRAMES_CONFIG),
                          settings.get(StreamsSettings.TOPIC_AUDIO_CONFIG)))
              .realTime(true)
              .start(FeedPublisher.producerConfig(broker.bootstrapServers(), Map.of()))) {
        // Progress, not time: wait for the heatmaps (the timeout only stops a broken run).
        TestTopics.pollUntil(reader, seen, HEATMAPS, Duration.ofMinutes(4));
        assertThat(feed.framesSent()).isPositive();
      }
      streams.close(Duration.ofSeconds(30));
    }

    assertThat(seen).as("heatmaps committed").hasSizeGreaterThanOrEqualTo(HEATMAPS);
    Map<String, List<HeatmapEvent>> byCamera =
        seen.stream()
            .map(r -> HeatmapEventSerde.fromJson(r.value()))
            .collect(
                Collectors.groupingBy(HeatmapEvent::camera, TreeMap::new, Collectors.toList()));
    assertThat(byCamera).as("cameras served").hasSize(CAMERAS);
    // Fairness is the scheduler's share once every camera has frames to serve. Before that, a
    // camera alone on its partition can be served while the others' first frames are still on
    // their way through ingest (measured: ~14 batches at start-up), which says nothing about
    // how the engine is shared. So count from the capture time of the last camera's first
    // heatmap (the cameras share one clock).
    long steadyFromUs =
        byCamera.values().stream()
            .mapToLong(events -> events.get(0).frameTsUs())
            .max()
            .orElseThrow();
    Map<String, Integer> steady = new TreeMap<>();
    byCamera.forEach(
        (camera, events) ->
            steady.put(
                camera, (int) events.stream().filter(e -> e.frameTsUs() >= steadyFromUs).count()));
    int least = steady.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
    int most = steady.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertThat(least)
        .as("heatmaps per camera once all were served %s (all: %s)", steady, counts(byCamera))
        .isGreaterThanOrEqualTo(5);
    assertThat((double) least / most)
        .as(
            "least/most heatmaps per camera once all were served %s (all: %s)",
            steady, counts(byCamera))
        .isGreaterThanOrEqualTo(0.5);
    for (List<HeatmapEvent> events : byCamera.values()) {
      assertThat(events).extracting(HeatmapEvent::frameTsUs).isSorted().doesNotHaveDuplicates();
    }
    // The engine really was the bottleneck, and what it could not serve was shed and counted.
    double stale =
        registry
            .find(SyncMetrics.FRAMES_DROPPED)
            .tag("reason", DropReason.STALE.tag())
            .counter()
            .count();
    assertThat(stale).as("frames shed as stale").isPositive();
  }

  private static Map<String, Integer> counts(Map<String, List<HeatmapEvent>> byCamera) {
    Map<String, Integer> m = new TreeMap<>();
    byCamera.forEach((k, v) -> m.put(k, v.size()));
    return m;
  }

  /** An engine that takes {@value #PAIR_MS} ms a pair: half of what four 5 Hz cameras need. */
  private static final class SlowEngine implements PairLocalizer {
    private final int maxBatch;

    SlowEngine(int maxBatch) {
      this.maxBatch = maxBatch;
    }

    @Override
    public List<HeatmapEvent> localize(List<AvPair> pairs, long batchStartUs) {
      try {
        Thread.sleep(PAIR_MS * pairs.size()); // the engine's work, not a synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return pairs.stream()
          .map(
              p ->
                  new HeatmapEvent(
                      p.camera(),
                      p.frameTsUs(),
                      modelId(),
                      "fnac",
                      new HeatmapEvent.Grid(1, 1, new float[] {0.5f}),
                      new HeatmapEvent.Peak(0.5, 0.5, 0.5),
                      0.0,
                      List.of(),
                      new HeatmapEvent.AudioWindow(p.audioStartUs(), p.audioEndUs(), p.partial()),
                      new HeatmapEvent.Latency(0, 0, PAIR_MS, PAIR_MS),
                      batchStartUs))
          .toList();
    }

    @Override
    public int maxBatch() {
      return maxBatch;
    }

    @Override
    public String modelId() {
      return "slow@1";
    }
  }
}
