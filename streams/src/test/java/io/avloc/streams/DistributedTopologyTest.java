package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.core.pair.PairCodec;
import io.avloc.core.pair.PairHeaders;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.testkit.MediaRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed mode ({@code avloc.inference.mode=distributed}) on the real topology: the
 * synchronizer writes each ready pair to the pairs topic in the documented format, and those are
 * exactly the pairs embedded inference would have localized.
 */
class DistributedTopologyTest {

  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path tmp;

  private StreamsSettings settings(String mode) {
    Map<String, String> s = new HashMap<>();
    s.put("avloc.inference.mode", mode);
    s.put("avloc.sync.mode", "catch-up");
    s.put("avloc.state.dir", tmp.resolve(mode).toString());
    return StreamsSettings.of(s);
  }

  /** 4 s of tone for two cameras, then frames at 10 fps from 2.5 s to 3.5 s, each with gt-class. */
  private static void publish(TopologyTestDriver driver, StreamsSettings s) {
    TestInputTopic<byte[], byte[]> frames =
        driver.createInputTopic(
            s.get("avloc.topic.frames"), new ByteArraySerializer(), new ByteArraySerializer());
    TestInputTopic<byte[], byte[]> audio =
        driver.createInputTopic(
            s.get("avloc.topic.audio"), new ByteArraySerializer(), new ByteArraySerializer());
    for (String camera : List.of("cam-a", "cam-b")) {
      for (int c = 0; c < 40; c++) {
        pipe(
            audio,
            MediaRecords.audio(
                "a", camera, T0 + c * 100_000L, MediaRecords.tone(100, 440, c * 1600L)));
      }
      for (int k = 25; k <= 35; k++) {
        ProducerRecord<byte[], byte[]> f =
            MediaRecords.frame("f", camera, T0 + k * 100_000L, MediaRecords.jpeg(64, 48, k));
        MediaRecords.header(f, "gt-class", "ball-" + camera);
        pipe(frames, f);
      }
    }
    driver.advanceWallClockTime(Duration.ofMillis(100));
    // Catch-up mode runs a partial batch at the first tick without new records.
    driver.advanceWallClockTime(Duration.ofMillis(100));
  }

  private static void pipe(TestInputTopic<byte[], byte[]> topic, ProducerRecord<byte[], byte[]> r) {
    topic.pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), r.timestamp()));
  }

  private TopologyTestDriver driver(Topology topology, StreamsSettings s) {
    Properties p = AvlocStreamsApp.streamsProperties(s);
    return new TopologyTestDriver(topology, p, Instant.ofEpochMilli(T0 / 1000 + 3_600));
  }

  @Test
  void eachReadyPairGoesToThePairsTopicWithTheFrameHeaders() {
    StreamsSettings s = settings("distributed");
    Topology topology = AvlocTopology.build(s, null, new SimpleMeterRegistry());
    List<TestRecord<byte[], byte[]>> out;
    try (TopologyTestDriver driver = driver(topology, s)) {
      publish(driver, s);
      out =
          driver
              .createOutputTopic(
                  s.get("avloc.topic.pairs"),
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .readRecordsToList();
      assertThat(driver.producedTopicNames()).doesNotContain(s.get("avloc.topic.heatmaps"));
    }

    // 5 Hz rate cap: every other frame of 10 fps, 6 per camera.
    assertThat(out).hasSize(12);
    for (TestRecord<byte[], byte[]> r : out) {
      AvPair p = PairCodec.decode(r.key(), r.headers(), r.value(), 0);
      assertThat(header(r, "gt-class")).isEqualTo("ball-" + p.camera());
      assertThat(header(r, PairHeaders.PARTIAL)).isEqualTo("false");
      assertThat(p.audioEndUs() - p.audioStartUs()).isEqualTo(3_000_000L);
      assertThat(p.audioEndUs()).isEqualTo(p.frameTsUs() + 500_000L);
      assertThat(p.audio()).hasSize(48_000);
      assertThat(r.timestamp()).isEqualTo(p.frameTsUs() / 1000);
    }
  }

  @Test
  void theModelServersGetExactlyThePairsEmbeddedInferenceWouldLocalize() {
    StreamsSettings distributed = settings("distributed");
    List<AvPair> sent = new ArrayList<>();
    try (TopologyTestDriver driver =
        driver(AvlocTopology.build(distributed, null, new SimpleMeterRegistry()), distributed)) {
      publish(driver, distributed);
      for (TestRecord<byte[], byte[]> r :
          driver
              .createOutputTopic(
                  distributed.get("avloc.topic.pairs"),
                  new ByteArrayDeserializer(),
                  new ByteArrayDeserializer())
              .readRecordsToList()) {
        sent.add(PairCodec.decode(r.key(), r.headers(), r.value(), 0));
      }
    }
    StreamsSettings embedded = settings("embedded");
    Recording recording = new Recording();
    try (TopologyTestDriver driver =
        driver(AvlocTopology.build(embedded, recording, new SimpleMeterRegistry()), embedded)) {
      publish(driver, embedded);
      // Embedded batches run on the inference thread and the next one starts at a later record or
      // tick: tick until every pair was localized (progress, bounded so a stuck one fails here).
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (recording.size() < sent.size()) {
        assertThat(System.nanoTime()).as("embedded inference progresses").isLessThan(deadline);
        driver.advanceWallClockTime(Duration.ofMillis(25));
        Thread.onSpinWait();
      }
    }

    assertThat(recording.pairs).hasSameSizeAs(sent).hasSize(12);
    Map<String, AvPair> byFrame = new HashMap<>();
    recording.pairs.forEach(p -> byFrame.put(p.camera() + "@" + p.frameTsUs(), p));
    for (AvPair p : sent) {
      AvPair local = byFrame.get(p.camera() + "@" + p.frameTsUs());
      assertThat(local).as("%s@%s", p.camera(), p.frameTsUs()).isNotNull();
      assertThat(p.frame()).isEqualTo(local.frame());
      assertThat(p.audio()).as("bit for bit").containsExactly(local.audio());
      assertThat(p.audioStartUs()).isEqualTo(local.audioStartUs());
      assertThat(p.partial()).isEqualTo(local.partial());
    }
  }

  @Test
  void aLocalizerIsRequiredInEmbeddedModeAndRefusedInDistributedMode() {
    assertThatThrownBy(
            () -> AvlocTopology.build(settings("embedded"), null, new SimpleMeterRegistry()))
        .hasMessageContaining("needs a localizer");
    assertThatThrownBy(
            () ->
                AvlocTopology.build(
                    settings("distributed"), new Recording(), new SimpleMeterRegistry()))
        .hasMessageContaining("model servers");
    assertThatThrownBy(() -> InferenceMode.of(settings("gpu")))
        .hasMessageContaining("embedded or distributed")
        .hasMessageContaining("'gpu'");
  }

  private static String header(TestRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Records the pairs it is given; answers with minimal events. */
  private static final class Recording implements PairLocalizer {
    final List<AvPair> pairs = Collections.synchronizedList(new ArrayList<>());

    int size() {
      return pairs.size();
    }

    @Override
    public List<HeatmapEvent> localize(List<AvPair> batch, long batchStartUs) {
      pairs.addAll(batch);
      return batch.stream()
          .map(
              p ->
                  new HeatmapEvent(
                      p.camera(),
                      p.frameTsUs(),
                      "fake@1",
                      "fnac",
                      new HeatmapEvent.Grid(1, 1, new float[] {0.5f}),
                      new HeatmapEvent.Peak(0.5, 0.5, 0.5),
                      0.0,
                      List.of(),
                      new HeatmapEvent.AudioWindow(p.audioStartUs(), p.audioEndUs(), p.partial()),
                      new HeatmapEvent.Latency(0, 0, 0, 0),
                      batchStartUs))
          .toList();
    }

    @Override
    public int maxBatch() {
      return 8;
    }

    @Override
    public String modelId() {
      return "fake@1";
    }
  }
}
