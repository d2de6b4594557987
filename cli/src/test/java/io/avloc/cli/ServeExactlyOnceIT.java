package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.model.Preset;
import io.avloc.core.pair.AvPair;
import io.avloc.core.pair.PairCodec;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.MediaRecords;
import io.avloc.testkit.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once from the pairs topic to the heatmaps across a {@code kill -9} of the {@code avloc
 * serve} process: a second instance in the same group finishes the backlog, and every pair yields
 * exactly one committed heatmap.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ServeExactlyOnceIT {

  private static final long T0 = 1_700_000_000_000_000L;
  private static final List<String> CAMERAS = List.of("cam-a", "cam-b", "cam-c");
  private static final int PAIRS_PER_CAMERA = 130;

  @TempDir Path tmp;

  @Test
  void noHeatmapIsLostOrDuplicatedWhenAModelServerIsKilledMidBacklog(KafkaBroker broker)
      throws Exception {
    String prefix = TestTopics.unique("serve-eos");
    String pairs = prefix + ".pairs";
    String heatmaps = prefix + ".heatmaps";
    TestTopics.create(broker, 3, pairs, heatmaps, prefix + ".deadletter");
    Path model = tmp.resolve("model");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("serve-eos", "1", 1), 1, model);

    // The whole backlog is there before the first server starts.
    Set<String> expected = new HashSet<>();
    try (KafkaProducer<byte[], byte[]> p =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG,
                10),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int k = 0; k < PAIRS_PER_CAMERA; k++) {
        for (String camera : CAMERAS) {
          long ts = T0 + k * 200_000L;
          p.send(pairRecord(pairs, camera, ts, k));
          expected.add(camera + "@" + ts);
        }
      }
      p.flush();
    }

    String[] args = {
      "serve",
      "--bootstrap",
      broker.bootstrapServers(),
      "--model",
      model.toString(),
      "--group",
      prefix + "-group",
      "--pairs-topic",
      pairs,
      "--heatmaps-topic",
      heatmaps,
      "--deadletter-topic",
      prefix + ".deadletter",
      "--http-port",
      "0",
      // Let the second instance take over quickly from the killed one.
      "--set",
      "consumer.session.timeout.ms=6000",
      "--set",
      "consumer.heartbeat.interval.ms=1500"
    };

    List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
    Runnable report =
        () ->
            System.err.println(
                TestTopics.transactionReport(
                    broker, List.of(heatmaps, pairs), List.of(prefix + "-group")));
    try (KafkaConsumer<byte[], byte[]> reader = TestTopics.committedReader(broker, heatmaps)) {
      try (AvlocProcess first = AvlocProcess.start(args)) {
        first.awaitStdout(l -> l.startsWith("avloc serve running"), Duration.ofSeconds(120));
        TestTopics.pollWhileProgressing(
            reader,
            seen,
            30,
            Duration.ofSeconds(120),
            () -> {
              report.run();
              System.err.println(first.threadDump());
              System.err.println(first.stderr());
            });
        first.kill9();
        report.run();
      }
      int beforeKill = seen.size();
      assertThat(beforeKill).as("killed mid-backlog").isBetween(30, expected.size() - 1);

      // A new instance id: the killed one's open transaction is aborted when it times out.
      try (AvlocProcess second = AvlocProcess.start(args)) {
        String running =
            second.awaitStdout(l -> l.startsWith("avloc serve running"), Duration.ofSeconds(120));
        boolean complete =
            TestTopics.pollWhileProgressing(
                reader,
                seen,
                expected.size(),
                Duration.ofSeconds(120),
                () -> {
                  report.run();
                  System.err.println(second.threadDump());
                  System.err.println(second.stderr());
                });
        if (!complete) {
          report.run();
          System.err.println("restarted instance:\n" + second.stderr());
        }
        assertOpsEndpoint(running);
        // Anything more would be a duplicate: keep reading a little longer.
        TestTopics.pollUntil(reader, seen, Integer.MAX_VALUE, Duration.ofSeconds(5));
        // 143 = ended by SIGTERM after the shutdown hook (graceful close) ran.
        assertThat(second.terminate(Duration.ofSeconds(60))).isEqualTo(143);
        assertThat(second.stderr()).contains("avloc serve: stopping");
      }
    }

    List<String> keys = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : seen) {
      HeatmapEvent e = HeatmapEventSerde.fromJson(r.value());
      keys.add(e.camera() + "@" + e.frameTsUs());
    }
    assertThat(keys).as("no duplicates").doesNotHaveDuplicates();
    assertThat(new HashSet<>(keys)).as("none lost, none invented").isEqualTo(expected);
  }

  /** A pair as the streams application writes it: a JPEG and a 3 s tone window. */
  private static ProducerRecord<byte[], byte[]> pairRecord(
      String topic, String camera, long ts, int k) {
    byte[] pcm = MediaRecords.tone(3000, 330, k * 3200L);
    float[] audio = new float[pcm.length / 2];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8)) / 32767f;
    }
    AvPair pair =
        new AvPair(
            camera,
            new VideoFrame(ts, ImageFormat.JPEG, MediaRecords.jpeg(160, 120, k * 3)),
            audio,
            ts - 2_500_000,
            ts + 500_000,
            false,
            ts,
            ts);
    RecordHeaders headers = new RecordHeaders();
    byte[] value = PairCodec.encode(pair, headers);
    return new ProducerRecord<>(
        topic, null, ts / 1000, camera.getBytes(StandardCharsets.UTF_8), value, headers);
  }

  /** The running server answers /ready and serves its meters and the Kafka clients' metrics. */
  private static void assertOpsEndpoint(String runningLine) throws Exception {
    Matcher m = Pattern.compile("HTTP at (http://\\S+?:\\d+)").matcher(runningLine);
    assertThat(m.find()).as(runningLine).isTrue();
    String base = m.group(1);
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("avloc_serve_heatmaps_total")
        .contains("avloc_inference_latency_seconds_bucket")
        .contains("avloc_batcher_batch_size_bucket")
        .contains("kafka_consumer_fetch_manager")
        .contains("kafka_producer_")
        .contains("jvm_memory_used_bytes");
  }
}
