package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
