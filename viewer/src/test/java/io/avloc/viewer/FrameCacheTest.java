package io.avloc.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.viewer.FrameCache.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FrameCacheTest {

  private static final long S = 1_000_000; // one second in µs

  private static byte[] b(int v) {
    return new byte[] {(byte) v};
  }

  private static byte[] bytes(int n, int v) {
    byte[] out = new byte[n];
    java.util.Arrays.fill(out, (byte) v);
    return out;
  }

  @Test
  void onlyTheFrameWithTheEventsExactTimeIsEverReturned() {
    FrameCache cache = new FrameCache(Duration.ofSeconds(30), 1 << 20);
    cache.put("cam", 100, b(1));
    cache.put("cam", 300, b(3));
    cache.put("cam", 200, b(2));
    FrameCache.Lookup hit = cache.lookup("cam", 200);
    assertThat(hit.status()).isEqualTo(Status.PAIRED);
    assertThat(hit.frame().bytes()).containsExactly(2);
    assertThat(hit.reason()).isNull();
    // between kept frames: no substitute, the newest is not returned
    FrameCache.Lookup between = cache.lookup("cam", 250);
    assertThat(between.status()).isEqualTo(Status.NOT_ON_TOPIC);
    assertThat(between.frame()).isNull();
    assertThat(between.reason()).contains("no frame with this capture time");
    assertThat(cache.latest("cam").orElseThrow().bytes()).containsExactly(3);
  }

  @Test
  void aLookupSaysWhyTheFrameIsMissing() {
    FrameCache cache = new FrameCache(Duration.ofSeconds(2), 1 << 20);
    assertThat(cache.lookup("cam", 5 * S).status()).isEqualTo(Status.NO_FRAMES);
    cache.put("cam", 10 * S, b(1));
    assertThat(cache.lookup("cam", 11 * S).status()).isEqualTo(Status.PENDING);
    assertThat(cache.lookup("cam", 9 * S).status()).isEqualTo(Status.BEFORE_START);
    for (long t = 11; t <= 20; t++) {
      cache.put("cam", t * S, b((int) t));
    }
    FrameCache.Lookup evicted = cache.lookup("cam", 12 * S);
    assertThat(evicted.status()).isEqualTo(Status.EVICTED);
    assertThat(evicted.reason()).contains("2 s behind each camera's newest frame");
    assertThat(cache.lookup("cam", 10 * S).status()).isEqualTo(Status.EVICTED);
    assertThat(cache.lookup("cam", 18 * S).status()).isEqualTo(Status.PAIRED);
    assertThat(cache.lookup("other", 18 * S).status()).isEqualTo(Status.NO_FRAMES);
  }

  @Test
  void framesAreKeptForTheRetentionBehindTheNewest() {
    FrameCache cache = new FrameCache(Duration.ofSeconds(2), 1 << 20);
    for (long t = 0; t <= 100; t++) {
      cache.put("cam", t * S / 10, b((int) t)); // 10 fps for 10 s
    }
    // 8.0 s .. 10.0 s: 21 frames
    assertThat(cache.size("cam")).isEqualTo(21);
    assertThat(cache.lookup("cam", 8 * S).paired()).isTrue();
    assertThat(cache.lookup("cam", 8 * S - S / 10).status()).isEqualTo(Status.EVICTED);
    // a late frame already older than the retention is not kept
    cache.put("cam", 1 * S, b(9));
    assertThat(cache.lookup("cam", 1 * S).status()).isEqualTo(Status.EVICTED);
    assertThat(cache.size("cam")).isEqualTo(21);
  }

  @Test
  void theMemoryBoundEvictsFromTheCameraHoldingTheMostBytes() {
    FrameCache cache = new FrameCache(Duration.ofSeconds(60), 10_000);
    for (int i = 0; i < 5; i++) {
      cache.put("small", i * S, bytes(100, i));
    }
    for (int i = 0; i < 20; i++) {
      cache.put("big", i * S, bytes(1000, i));
    }
    assertThat(cache.bytes()).isLessThanOrEqualTo(10_000);
    assertThat(cache.size("small")).isEqualTo(5); // untouched by the big camera's frames
    assertThat(cache.size("big")).isEqualTo(9); // 9 × 1000 + 5 × 100 <= 10 000
    assertThat(cache.lookup("big", 10 * S).status()).isEqualTo(Status.EVICTED);
    assertThat(cache.lookup("big", 11 * S).paired()).isTrue();
  }

  @Test
  void aFrameWithTheSameTimeReplacesTheFirst() {
    FrameCache cache = new FrameCache(Duration.ofSeconds(1), 1 << 20);
    cache.put("cam", 1, bytes(10, 1));
    cache.put("cam", 1, bytes(20, 2));
    assertThat(cache.size("cam")).isEqualTo(1);
    assertThat(cache.bytes()).isEqualTo(20);
    assertThat(cache.lookup("cam", 1).frame().bytes()).hasSize(20);
  }

  @Test
  void camerasAreKeptApart() {
    FrameCache cache = new FrameCache(Duration.ofSeconds(1), 1 << 20);
    cache.put("a", 1, b(1));
    cache.put("b", 1, b(2));
    assertThat(cache.lookup("a", 1).frame().bytes()).containsExactly(1);
    assertThat(cache.lookup("b", 1).frame().bytes()).containsExactly(2);
  }

  @Test
  void nonsensicalSizesAreRejected() {
    assertThatThrownBy(() -> new FrameCache(Duration.ZERO, 1)).hasMessageContaining("retention");
    assertThatThrownBy(() -> new FrameCache(Duration.ofSeconds(1), 0))
        .hasMessageContaining("maxBytes");
  }
}
