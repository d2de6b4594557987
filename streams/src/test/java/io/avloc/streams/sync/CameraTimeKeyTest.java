package io.avloc.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class CameraTimeKeyTest {

  @Test
  void keysOfOneCameraSortByTimeIncludingNegativeTimes() {
    long[] times = {Long.MIN_VALUE, -5, 0, 1, 255, 256, 1_700_000_000_000_000L, Long.MAX_VALUE};
    List<Bytes> keys = new ArrayList<>();
    for (long t : times) {
      keys.add(CameraTimeKey.of("cam", t));
    }
    List<Bytes> sorted = new ArrayList<>(keys);
    sorted.sort(Bytes::compareTo);
    assertThat(sorted).isEqualTo(keys);
  }

  @Test
  void aCamerasRangeHoldsNoOtherCameraEvenWithSharedPrefixesOrNul() {
    Bytes from = CameraTimeKey.first("a");
    Bytes to = CameraTimeKey.last("a");
    for (String other : List.of("", "ab", "a\u0000", "a\u0000b", "b", "\u00e9")) {
      for (long t : new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}) {
        Bytes k = CameraTimeKey.of(other, t);
        boolean inside = k.compareTo(from) >= 0 && k.compareTo(to) <= 0;
        assertThat(inside).as("%s at %d", other, t).isFalse();
      }
    }
  }

  @Test
  void cameraAndTimeRoundTrip() {
    Bytes k = CameraTimeKey.of("caméra-7", -42L);
    assertThat(CameraTimeKey.camera(k)).isEqualTo("caméra-7");
    assertThat(CameraTimeKey.tsUs(k)).isEqualTo(-42L);
  }
}
