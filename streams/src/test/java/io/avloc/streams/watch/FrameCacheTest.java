package io.avloc.streams.watch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameCacheTest {

  private static byte[] b(int v) {
    return new byte[] {(byte) v};
  }

  @Test
  void theFrameWithTheEventsTimeIsFoundElseTheLatest() {
    FrameCache cache = new FrameCache(8);
    cache.put("cam", 100, b(1));
    cache.put("cam", 300, b(3));
    cache.put("cam", 200, b(2));
    assertThat(cache.frameAt("cam", 200).orElseThrow().bytes()).containsExactly(2);
    assertThat(cache.frameAt("cam", 250).orElseThrow().tsUs()).isEqualTo(300);
    assertThat(cache.latest("cam").orElseThrow().bytes()).containsExactly(3);
    assertThat(cache.frameAt("other", 200)).isEmpty();
    assertThat(cache.latest("other")).isEmpty();
  }

  @Test
  void theOldestFramesGoFirst() {
    FrameCache cache = new FrameCache(3);
    for (int i = 1; i <= 5; i++) {
      cache.put("cam", i * 100L, b(i));
    }
    assertThat(cache.size("cam")).isEqualTo(3);
    assertThat(cache.frameAt("cam", 200).orElseThrow().tsUs()).isEqualTo(500); // gone: latest
    assertThat(cache.frameAt("cam", 300).orElseThrow().tsUs()).isEqualTo(300);
    cache.put("cam", 50, b(9)); // older than everything kept: not kept
    assertThat(cache.frameAt("cam", 50).orElseThrow().tsUs()).isEqualTo(500);
  }

  @Test
  void camerasAreKeptApart() {
    FrameCache cache = new FrameCache(2);
    cache.put("a", 1, b(1));
    cache.put("b", 1, b(2));
    assertThat(cache.frameAt("a", 1).orElseThrow().bytes()).containsExactly(1);
    assertThat(cache.frameAt("b", 1).orElseThrow().bytes()).containsExactly(2);
  }
}
