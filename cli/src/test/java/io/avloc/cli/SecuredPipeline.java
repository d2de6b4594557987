package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.testkit.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The distributed pipeline on a secured listener, as {@link SaslPipelineIT} and {@link
 * TlsPipelineIT} run it: {@code avloc feed} → frames and audio → {@code avloc streams --inference
 * distributed} → pairs → {@code avloc serve} → heatmaps, every program given the listener's client
 * settings only through {@code --kafka-config} and the secret only through the environment.
 */
final class SecuredPipeline {

  private SecuredPipeline() {}

  /**
   * Runs the three programs on fresh topics named after {@code label} and checks that both
   * synthetic cameras get heatmaps, read by a read-committed consumer with {@code
   * clientProperties}.
   */
  static void runsEndToEnd(
      String label,
      String bootstrap,
      Map<String, String> clientProperties,
      Path clientConfig,
      Map<String, String> secretEnv,
      Path tmp)
      throws Exception {
    String prefix = TestTopics.unique(label);
    String frames = prefix + ".frames";
    String audio = prefix + ".audio";
    String pairs = prefix + ".pairs";
    String heatmaps = prefix + ".heatmaps";
    String deadletter = prefix + ".deadletter";
    Path model = tmp.resolve("model");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained(label, "1", 1), 1, model);
    List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
    try (AvlocProcess streams =
            AvlocProcess.start(
                secretEnv,
                "streams",
                "--bootstrap",
                bootstrap,
                "--kafka-config",
                clientConfig.toString(),
                "--inference",
                "distributed",
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
                "avloc.topic.pairs=" + pairs,
                "--set",
                "avloc.topic.heatmaps=" + heatmaps,
                "--set",
                "avloc.topic.deadletter=" + deadletter,
                "--set",
                "avloc.topic.partitions=1",
                "--set",
                "avloc.metrics.port=0");
        AvlocProcess serve =
            AvlocProcess.start(
                secretEnv,
                "serve",
                "--bootstrap",
                bootstrap,
                "--kafka-config",
                clientConfig.toString(),
                "--model",
                model.toString(),
                "--group",
                prefix + "-serve",
                "--pairs-topic",
                pairs,
                "--heatmaps-topic",
                heatmaps,
                "--deadletter-topic",
                deadletter,
                "--partitions",
                "1",
                "--http-port",
                "0")) {
      String streamsLine =
          streams.awaitStdout(l -> l.startsWith("avloc streams running"), Duration.ofSeconds(180));
      String serveLine =
          serve.awaitStdout(l -> l.startsWith("avloc serve running"), Duration.ofSeconds(180));
      // Loopback by default, and the printed address is the bound one.
      assertThat(streamsLine).contains("metrics at http://127.0.0.1:");
      assertThat(serveLine).contains("HTTP at http://127.0.0.1:");

      try (AvlocProcess feed =
          AvlocProcess.start(
              secretEnv,
              "feed",
              "--synthetic",
              "--bootstrap",
              bootstrap,
              "--kafka-config",
              clientConfig.toString(),
              "--frames-topic",
              frames,
              "--audio-topic",
              audio,
              "--cameras",
              "2",
              "--duration",
              "6s",
              "--as-fast-as-possible")) {
        assertThat(feed.awaitExit(Duration.ofSeconds(180))).as(feed.transcript()).isZero();
      }

      try (KafkaConsumer<byte[], byte[]> reader = reader(bootstrap, clientProperties, heatmaps)) {
        // 2 cameras × 6 s at the 5 Hz inference cap: up to 60; the first windows need audio.
        TestTopics.pollUntil(reader, seen, 20, Duration.ofSeconds(240));
      }
      assertThat(streams.terminate(Duration.ofSeconds(60))).isEqualTo(143);
      assertThat(serve.terminate(Duration.ofSeconds(60))).isEqualTo(143);
    }

    assertThat(seen).hasSizeGreaterThanOrEqualTo(20);
    Set<String> cameras = new TreeSet<>();
    for (ConsumerRecord<byte[], byte[]> r : seen) {
      HeatmapEvent e = HeatmapEventSerde.fromJson(r.value());
      cameras.add(e.camera());
    }
    assertThat(cameras).containsExactly("cam-1", "cam-2");
  }

  /** A read-committed consumer that connects like the apps. */
  private static KafkaConsumer<byte[], byte[]> reader(
      String bootstrap, Map<String, String> clientProperties, String topic) {
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-reader");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }
}
