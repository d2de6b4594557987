package io.avloc.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** What needs no broker: the busy port, file names, frame times. */
class HeatmapWatcherTest {

  @Test
  void aBusyPortIsAClearErrorBeforeAnythingElseStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      WatchConfig config = WatchConfig.builder("127.0.0.1:1").http("127.0.0.1", port).build();
      assertThatThrownBy(() -> HeatmapWatcher.start(config))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("127.0.0.1:" + port)
          .hasMessageContaining("already in use");
    }
  }

  @Test
  void overlayFileNamesAreSafe() {
    assertThat(HeatmapWatcher.fileName("cam-1")).isEqualTo("cam-1.png");
    assertThat(HeatmapWatcher.fileName("site/door 2")).isEqualTo("site_door_2.png");
    assertThat(HeatmapWatcher.fileName("..")).isEqualTo("_...png");
    assertThat(HeatmapWatcher.fileName("")).isEqualTo("_.png");
  }

  @Test
  void aFramesTimeIsItsHeaderElseTheRecordTime() {
    RecordHeaders h = new RecordHeaders();
    h.add("ts-us", "1700000000123456".getBytes(StandardCharsets.UTF_8));
    assertThat(HeatmapWatcher.frameTsUs(record(h))).isEqualTo(1_700_000_000_123_456L);
    assertThat(HeatmapWatcher.frameTsUs(record(new RecordHeaders())))
        .isEqualTo(1_700_000_000_000_000L);
    RecordHeaders bad = new RecordHeaders();
    bad.add("ts-us", "soon".getBytes(StandardCharsets.UTF_8));
    assertThat(HeatmapWatcher.frameTsUs(record(bad))).isEqualTo(1_700_000_000_000_000L);
  }

  private static ConsumerRecord<String, byte[]> record(RecordHeaders headers) {
    return new ConsumerRecord<>(
        "frames",
        0,
        0L,
        1_700_000_000_000L,
        TimestampType.CREATE_TIME,
        0,
        0,
        "cam",
        new byte[0],
        headers,
        java.util.Optional.empty());
  }
}
