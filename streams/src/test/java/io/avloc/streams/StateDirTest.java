package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StateDirTest {

  @Test
  void byDefaultEachUserAndEachKafkaClusterGetsItsOwnStateFolder() {
    StreamsSettings s = StreamsSettings.of(Map.of());
    Path first = AvlocStreamsApp.stateDir(s, "cluster-A");
    Path second = AvlocStreamsApp.stateDir(s, "cluster-B");

    // A run against a new broker never meets the stores of a run against an earlier one (their
    // changelog offsets do not exist there: TaskCorruptedException, a wipe and a slow restore).
    assertThat(first).isNotEqualTo(second);
    assertThat(first.getParent()).isEqualTo(second.getParent());
    assertThat(first.getParent().getFileName().toString())
        .isEqualTo(
            "avloc-streams-" + System.getProperty("user.name").replaceAll("[^A-Za-z0-9._-]", "_"));
    assertThat(first.getParent().getParent())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
    // Kafka Streams puts each application id in a folder of its own below.
    assertThat(AvlocStreamsApp.streamsProperties(s).get(StreamsConfig.STATE_DIR_CONFIG))
        .isEqualTo(first.getParent().toString());
  }

  @Test
  void aClusterIdIsMadeSafeAsAFolderName() {
    Path p = AvlocStreamsApp.stateDir(StreamsSettings.of(Map.of()), "../x/y");
    assertThat(p.getFileName().toString()).isEqualTo("_.._x_y");
    assertThat(p.getParent().getFileName().toString()).startsWith("avloc-streams-");
  }

  @Test
  void anExplicitStateFolderIsUsedAsGiven() {
    StreamsSettings s = StreamsSettings.of(Map.of(StreamsSettings.STATE_DIR_CONFIG, "/data/avloc"));
    assertThat(AvlocStreamsApp.stateDir(s, "cluster-A")).isEqualTo(Path.of("/data/avloc"));
    assertThat(AvlocStreamsApp.streamsProperties(s).get(StreamsConfig.STATE_DIR_CONFIG))
        .isEqualTo("/data/avloc");
  }
}
