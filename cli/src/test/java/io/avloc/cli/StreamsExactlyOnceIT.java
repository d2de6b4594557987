package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.MediaRecords;
import io.avloc.testkit.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once from the input topics to the heatmaps across a {@code kill -9} of the {@code avloc
 * streams} process: every eligible frame yields exactly one committed heatmap.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StreamsExactlyOnceIT {

  private static final long T0 = 1_700_000_000_000_000L;
  private static final List<String> CAMERAS = List.of("cam-a", "cam-b");
  private static final int FRAMES = 240; // 10 fps for 24 s per camera

  @TempDir Path tmp;

  @Test
  void noHeatmapIsLostOrDuplicatedWhenTheStreamsProcessIsKilledMidRun(KafkaBroker broker)
      throws Exception {
    String prefix = TestTopics.unique("eos");
    String frames = prefix + ".frames";
    String audio = prefix + ".audio";
    String heatmaps = prefix + ".heatmaps";
    TestTopics.create(broker, 2, frames, audio, heatmaps, prefix + ".deadletter");
    Path model = tmp.resolve("model");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("eos", "1", 1), 1, model);

    // The whole input is there before the application starts: a backlog it works through.
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
      for (String camera : CAMERAS) {
        for (int c = 0; c < 270; c++) {
          p.send(
              MediaRecords.audio(
                  audio, camera, T0 + c * 100_000L, MediaRecords.tone(100, 330, c * 1600L)));
        }
        for (int k = 0; k < FRAMES; k++) {
          long ts = T0 + k * 100_000L;
          p.send(MediaRecords.frame(frames, camera, ts, MediaRecords.jpeg(160, 120, k * 3)));
          if (k % 2 == 0) { // the 5 Hz rate cap keeps every other frame of a 10 fps camera
            expected.add(camera + "@" + ts);
          }
        }
      }
      p.flush();
    }

    String[] args = {
      "streams",
      "--bootstrap",
      broker.bootstrapServers(),
      "--model",
      model.toString(),
      "--mode",
      "catch-up",
      "--set",
      "avloc.application.id=" + prefix + "-app",
      "--set",
      "avloc.state.dir=" + tmp.resolve("state"),
      "--set",
      "avloc.topic.frames=" + frames,
      "--set",
      "avloc.topic.audio=" + audio,
      "--set",
      "avloc.topic.heatmaps=" + heatmaps,
      "--set",
      "avloc.topic.deadletter=" + prefix + ".deadletter",
      "--set",
      "avloc.topic.create=false",
      "--set",
      "avloc.metrics.port=0",
      // Let the restarted instance take over quickly from the killed one.
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
                    broker, List.of(heatmaps, frames, audio), List.of(prefix + "-app")));
    String restartedLog;
    try (KafkaConsumer<byte[], byte[]> reader = TestTopics.committedReader(broker, heatmaps)) {
      try (AvlocProcess first = AvlocProcess.start(args)) {
        String firstRunning =
            first.awaitStdout(l -> l.startsWith("avloc streams running"), Duration.ofSeconds(120));
        TestTopics.pollWhileProgressing(
            reader,
            seen,
            40,
            Duration.ofSeconds(120),
            () -> {
              report.run();
              System.err.println(consumerLag(firstRunning));
              System.err.println(first.threadDump());
              System.err.println(first.stderr());
            });
        first.kill9();
        report.run();
        // What the killed instance did (with -Davloc.it.log.level=DEBUG: every drop and its
        // reason).
        System.err.println("killed instance:\n" + first.stderr());
      }
      int beforeKill = seen.size();
      assertThat(beforeKill).as("killed mid-run").isBetween(40, expected.size() - 1);

      try (AvlocProcess second = AvlocProcess.start(args)) {
        String running =
            second.awaitStdout(l -> l.startsWith("avloc streams running"), Duration.ofSeconds(120));
        boolean complete =
            TestTopics.pollWhileProgressing(
                reader,
                seen,
                expected.size(),
                Duration.ofSeconds(120),
                () -> {
                  report.run();
                  System.err.println(consumerLag(running));
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
        second.terminate(Duration.ofSeconds(60));
        restartedLog = second.stderr();
      }
    }

    List<String> keys = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : seen) {
      HeatmapEvent e = HeatmapEventSerde.fromJson(r.value());
      keys.add(e.camera() + "@" + e.frameTsUs());
    }
    assertThat(keys).as("no duplicates").doesNotHaveDuplicates();
    String tail = restartedLog.substring(Math.max(0, restartedLog.length() - 6000));
    assertThat(new HashSet<>(keys))
        .as("none lost, none invented; the restarted instance logged:%n%s", tail)
        .isEqualTo(expected);
  }

  /** The Streams consumers' per-partition lag and assignment lines of the process's /metrics. */
  private static String consumerLag(String runningLine) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("metrics at (http://.+:\\d+)/metrics").matcher(runningLine);
    if (!m.find()) {
      return "no metrics address in: " + runningLine;
    }
    try {
      String body =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(m.group(1) + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      return body.lines()
          .filter(
              l ->
                  !l.startsWith("#")
                      && (l.contains("records_lag{")
                          || l.contains("assigned_partitions")
                          || l.contains("avloc_frames_dropped")
                          || l.contains("avloc_sync_pairs_total")))
          .collect(java.util.stream.Collectors.joining("\n"));
    } catch (Exception e) {
      return "metrics unavailable: " + e;
    }
  }

  /** The running command serves /ready and Prometheus metrics of the pipeline and of Streams. */
  private static void assertOpsEndpoint(String runningLine) throws Exception {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("metrics at http://.+:(\\d+)/metrics").matcher(runningLine);
    assertThat(m.find()).as(runningLine).isTrue();
    String base = "http://127.0.0.1:" + m.group(1);
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> ready =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/ready")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(ready.statusCode()).isEqualTo(200);
    String metrics =
        http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("avloc_inference_latency_seconds_bucket")
        .contains("avloc_sync_pairs_total")
        .contains("kafka_stream_thread")
        .contains("jvm_memory_used_bytes");
  }
}
