package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.ops.OpsServer;
import io.avloc.modelserver.serve.PairServer;
import io.avloc.modelserver.serve.ServeConfig;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.MediaRecords;
import io.avloc.testkit.TestTopics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed mode end to end on a real broker: the streams application writes pairs to the pairs
 * topic and loads no model; a model server ({@code avloc serve}, in-process) turns them into
 * heatmaps, one per eligible frame, with the frame's headers.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DistributedPipelineIT {

  private static final long T0 = 1_700_000_000_000_000L;

  @TempDir Path tmp;

  @Test
  void streamsInDistributedModeAndAModelServerGiveOneHeatmapPerEligibleFrame(KafkaBroker broker)
      throws Exception {
    String prefix = TestTopics.unique("dist");
    Map<String, String> overrides = PipelineFixture.catchUp(broker, prefix, tmp.resolve("state"));
    overrides.put(StreamsSettings.INFERENCE_MODE_CONFIG, "distributed");
    StreamsSettings settings = StreamsSettings.of(overrides);
    Path modelDir = TestMedia.liteModel(tmp.resolve("model"));

    PrometheusMeterRegistry serveRegistry = OpsServer.newRegistry("avloc-serve");
    ServeConfig serve =
        ServeConfig.builder()
            .bootstrap(broker.bootstrapServers())
            .group(prefix + "-serve")
            .pairsTopic(settings.get(StreamsSettings.TOPIC_PAIRS_CONFIG))
            .heatmapsTopic(settings.get(StreamsSettings.TOPIC_HEATMAPS_CONFIG))
            .deadletterTopic(settings.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG))
            .httpPort(-1)
            .build();

    // No model directory: distributed mode must not need one.
    try (AvlocStreamsApp app =
            AvlocStreamsApp.start(
                settings,
                tmp.resolve("absent"),
                new SimpleMeterRegistry(),
                Duration.ofSeconds(60));
        BatchModel model =
            BatchModel.of(
                Engines.load(
                        ModelArtifact.load(modelDir),
                        List.of(EngineKind.ONNXRUNTIME),
                        EngineOptions.DEFAULTS)
                    .engine());
        PairServer server =
            PairServer.start(
                serve,
                new PairInference(model, 8, serveRegistry, () -> System.currentTimeMillis() * 1000),
                serveRegistry);
        KafkaProducer<byte[], byte[]> producer = PipelineFixture.producer(broker)) {
      assertThat(app.inferenceMode()).isEqualTo(InferenceMode.DISTRIBUTED);
      assertThat(app.modelId()).isNull();
      String frames = settings.get(StreamsSettings.TOPIC_FRAMES_CONFIG);
      String audio = settings.get(StreamsSettings.TOPIC_AUDIO_CONFIG);
      Set<String> expected = new HashSet<>();
      for (String camera : List.of("cam-a", "cam-b")) {
        for (int c = 0; c < 41; c++) {
          producer.send(
              MediaRecords.audio(
                  audio, camera, T0 + c * 100_000L, MediaRecords.tone(100, 440, c * 1600L)));
        }
        for (int k = 0; k < 35; k++) {
          long ts = T0 + k * 100_000L;
          ProducerRecord<byte[], byte[]> f =
              MediaRecords.frame(frames, camera, ts, MediaRecords.jpeg(160, 120, k * 4));
          MediaRecords.header(f, "gt-class", "ball-" + camera);
          producer.send(f);
          if (k % 2 == 0) { // the 5 Hz rate cap keeps every other frame of a 10 fps camera
            expected.add(camera + "@" + ts);
          }
        }
      }
      producer.flush();

      List<ConsumerRecord<byte[], byte[]>> heatmaps =
          StreamsPipelineIT.consume(
              broker,
              settings.get(StreamsSettings.TOPIC_HEATMAPS_CONFIG),
              expected.size(),
              Duration.ofSeconds(120));
      List<ConsumerRecord<byte[], byte[]>> pairs =
          StreamsPipelineIT.consume(
              broker,
              settings.get(StreamsSettings.TOPIC_PAIRS_CONFIG),
              expected.size(),
              Duration.ofSeconds(10));

      List<String> keys = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : heatmaps) {
        HeatmapEvent e = HeatmapEventSerde.fromJson(r.value());
        keys.add(e.camera() + "@" + e.frameTsUs());
        assertThat(e.model()).isEqualTo("lite-test@1");
        assertThat(e.audio().endUs() - e.audio().startUs()).isEqualTo(3_000_000L);
        // Audio starts at T0: windows reaching before it are zero-filled and flagged.
        assertThat(e.audio().partial()).isEqualTo(e.audio().startUs() < T0);
        assertThat(StreamsPipelineIT.header(r, "model")).isEqualTo("lite-test@1");
        assertThat(StreamsPipelineIT.header(r, "gt-class")).isEqualTo("ball-" + e.camera());
        assertThat(StreamsPipelineIT.header(r, "partial")).isNull();
      }
      assertThat(keys).doesNotHaveDuplicates();
      assertThat(new HashSet<>(keys)).isEqualTo(expected);
      assertThat(pairs).hasSize(expected.size());
      assertThat(app.failure()).isNull();
      assertThat(server.failure()).isNull();
    }
  }
}
