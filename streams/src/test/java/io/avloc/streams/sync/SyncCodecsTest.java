package io.avloc.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The store values survive a round trip through their changelog bytes. */
class SyncCodecsTest {

  @Test
  void pendingFrameRoundTripsWithItsHeaders() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("gt-box", "0.1 0.2 0.3 0.4".getBytes(StandardCharsets.UTF_8));
    headers.add("empty", null);
    headers.add("gt-box", "second".getBytes(StandardCharsets.UTF_8));
    PendingFrame f =
        new PendingFrame(
            new VideoFrame(123L, ImageFormat.JPEG, new byte[] {9, 8, 7}), headers, 456L, 789L);

    PendingFrame back =
        PendingFrame.serde()
            .deserializer()
            .deserialize("t", PendingFrame.serde().serializer().serialize("t", f));

    assertThat(back.frame()).isEqualTo(f.frame());
    assertThat(back.recordTimestampMs()).isEqualTo(456L);
    assertThat(back.arrivedAtUs()).isEqualTo(789L);
    assertThat(back.headers().toArray()).containsExactly(headers.toArray());
  }

  @Test
  void cameraStateRoundTrips() {
    CameraState s = CameraState.fresh(11L);
    s.clockUs = 1;
    s.lastFrameUs = 2;
    s.releasedUpToUs = CameraState.NONE;
    s.audioEndUs = 4;
    s.maxChunkUs = 5;
    s.addUnemitted(30);
    s.addUnemitted(10);
    s.addUnemitted(20);

    CameraState back = CameraState.fromBytes(s.toBytes());

    assertThat(back.toString()).isEqualTo(s.toString());
    assertThat(back.lastSeenWallUs).isEqualTo(11L);
    assertThat(back.maxChunkUs).isEqualTo(5L);
    assertThat(back.unemitted).containsExactly(10, 20, 30);
  }

  @Test
  void waitingFramesAreTheUnemittedOnesAfterTheReleasedOne() {
    CameraState s = CameraState.fresh(0);
    s.addUnemitted(10);
    s.addUnemitted(20);
    assertThat(s.firstWaiting()).isEqualTo(10);
    s.releasedUpToUs = 10;
    assertThat(s.firstWaiting()).isEqualTo(20);
    s.removeUnemitted(10);
    assertThat(s.oldestUnemitted()).isEqualTo(20);
    s.releasedUpToUs = 20;
    assertThat(s.firstWaiting()).isEqualTo(CameraState.NONE);
  }

  @Test
  void readyRefRoundTrips() {
    ReadyQueue.Ref r = new ReadyQueue.Ref("cam\u0000x", 5L, 6L);
    assertThat(ReadyQueue.Ref.fromBytes(r.toBytes())).isEqualTo(r);
  }

  @Test
  void unknownVersionsAreRejected() {
    byte[] bytes = CameraState.fresh(0).toBytes();
    bytes[0] = 99;
    assertThatThrownBy(() -> CameraState.fromBytes(bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("99");
  }
}
