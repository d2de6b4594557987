package io.avloc.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamThreadsTest {

  private static Object threads(Map<String, String> overrides) {
    return AvlocStreamsApp.streamsProperties(StreamsSettings.of(overrides))
        .get(StreamsConfig.NUM_STREAM_THREADS_CONFIG);
  }

  @Test
  void byDefaultOneStreamThreadPerCoreAtMostOnePerPartition() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(threads(Map.of())).isEqualTo(Math.min(cores, 4));
    assertThat(threads(Map.of(StreamsSettings.TOPIC_PARTITIONS_CONFIG, "1"))).isEqualTo(1);
  }

  @Test
  void numStreamThreadsGivenByTheUserWins() {
    assertThat(threads(Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "3"))).isEqualTo("3");
  }
}
