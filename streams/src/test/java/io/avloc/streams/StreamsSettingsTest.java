package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.modelserver.engine.EngineKind;
import io.avloc.streams.sync.AvSyncConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsSettingsTest {

  @TempDir Path tmp;

  @Test
  void defaultsRunAgainstALocalBroker() {
    StreamsSettings s = StreamsSettings.of(Map.of());
    assertThat(s.get("avloc.bootstrap")).isEqualTo("127.0.0.1:9092");
    assertThat(s.getInt("avloc.sync.rate.hz")).isEqualTo(5);
    assertThat(s.get("avloc.sync.mode")).isEqualTo("realtime");
  }

  @Test
  void fileThenEnvironmentThenFlagsWin() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("a.properties"),
            "avloc.batch.max=4\navloc.sync.rate.hz=2\navloc.topic.frames=f\nnum.stream.threads=2\n");
    StreamsSettings s =
        StreamsSettings.load(
            file,
            Map.of("AVLOC_SYNC_RATE_HZ", "3", "AVLOC_TOPIC_FRAMES", "env-f", "HOME", "/root"),
            Map.of("avloc.topic.frames", "flag-f"));

    assertThat(s.getInt("avloc.batch.max")).as("from the file").isEqualTo(4);
    assertThat(s.getInt("avloc.sync.rate.hz")).as("environment over file").isEqualTo(3);
    assertThat(s.get("avloc.topic.frames")).as("flags over environment").isEqualTo("flag-f");
    assertThat(s.kafkaOverrides()).containsExactly(Map.entry("num.stream.threads", "2"));
  }

  @Test
  void theModelFolderAndEngineOrderComeFromTheEnvironment() {
    StreamsSettings defaults = StreamsSettings.of(Map.of());
    assertThat(defaults.get("avloc.models")).as("no folder: the one avloc.model").isEmpty();
    assertThat(AvlocStreamsApp.engineOrder(defaults)).containsExactly(EngineKind.ONNXRUNTIME);

    StreamsSettings s =
        StreamsSettings.load(
            null,
            Map.of(
                "AVLOC_MODELS", "/opt/avloc/models", "AVLOC_MODEL_ENGINES", "tensorrt,onnxruntime"),
            Map.of());
    assertThat(s.get("avloc.models")).isEqualTo("/opt/avloc/models");
    assertThat(AvlocStreamsApp.engineOrder(s))
        .containsExactly(EngineKind.TENSORRT, EngineKind.ONNXRUNTIME);
  }

  @Test
  void batchThreadsDefaultToOnePerCoreAndRefuseNegativeCounts() {
    assertThat(AvlocStreamsApp.batchThreads(StreamsSettings.of(Map.of())))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(AvlocStreamsApp.batchThreads(StreamsSettings.of(Map.of("avloc.batch.threads", "1"))))
        .isEqualTo(1);
    StreamsSettings negative = StreamsSettings.of(Map.of("avloc.batch.threads", "-2"));
    assertThatThrownBy(() -> AvlocStreamsApp.batchThreads(negative))
        .hasMessageContaining("setting avloc.batch.threads")
        .hasMessageContaining("-2");
  }

  @Test
  void engineThreadsDefaultToOnePerPairOfAFullBatchAndRefuseNegativeCounts() {
    assertThat(AvlocStreamsApp.engineThreads(StreamsSettings.of(Map.of())))
        .isEqualTo(AvSyncConfig.DEFAULT_MAX_BATCH);
    assertThat(
            AvlocStreamsApp.engineThreads(StreamsSettings.of(Map.of("avloc.engine.threads", "0"))))
        .as("ONNX Runtime's own pool")
        .isZero();
    assertThat(
            AvlocStreamsApp.engineThreads(StreamsSettings.of(Map.of("avloc.engine.threads", "1"))))
        .isEqualTo(1);
    StreamsSettings negative = StreamsSettings.of(Map.of("avloc.engine.threads", "-1"));
    assertThatThrownBy(() -> AvlocStreamsApp.engineThreads(negative))
        .hasMessageContaining("setting avloc.engine.threads")
        .hasMessageContaining("-1");
  }

  @Test
  void anUnknownEngineNamesTheSettingAndTheKnownEngines() {
    StreamsSettings s = StreamsSettings.of(Map.of("avloc.model.engines", "tensorrt,cuda"));
    assertThatThrownBy(() -> AvlocStreamsApp.engineOrder(s))
        .hasMessageContaining("setting avloc.model.engines")
        .hasMessageContaining("unknown engine 'cuda'")
        .hasMessageContaining("onnxruntime,tensorrt,onnxruntime-gpu,pytorch");
  }

  @Test
  void anUnknownAvlocSettingIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> StreamsSettings.of(Map.of("avloc.sync.windw.ms", "1")))
        .hasMessageContaining("unknown setting 'avloc.sync.windw.ms'")
        .hasMessageContaining("avloc.sync.window.ms");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    assertThatThrownBy(
            () -> StreamsSettings.load(tmp.resolve("nope.properties"), Map.of(), Map.of()))
        .hasMessageContaining("nope.properties does not exist");
  }

  @Test
  void aNonNumericValueSaysWhichSetting() {
    StreamsSettings s = StreamsSettings.of(Map.of("avloc.batch.max", "many"));
    assertThatThrownBy(() -> s.getInt("avloc.batch.max"))
        .hasMessageContaining("avloc.batch.max must be an integer, got 'many'");
  }
}
