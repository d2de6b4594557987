package io.avloc.streams.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.metrics.NormalizedBox;
import io.avloc.streams.feed.GroundTruthHeaders.Truth;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class GroundTruthHeadersTest {

  @Test
  void writesAndReadsAnOnScreenTruth() {
    RecordHeaders h = new RecordHeaders();
    Truth t =
        new Truth("dog", List.of(GroundTruthHeaders.pixelBox(40, 73, 132, 171, 320, 240)), true);
    GroundTruthHeaders.write(h, t);

    assertThat(value(h, "gt-class")).isEqualTo("dog");
    assertThat(value(h, "gt-boxes")).isEqualTo("0.125001,0.304167,0.415626,0.716667");
    assertThat(value(h, "gt-onscreen")).isEqualTo("true");
    assertThat(GroundTruthHeaders.read(h)).isEqualTo(t);
  }

  @Test
  void anOffScreenSoundHasAnEmptyBoxList() {
    RecordHeaders h = new RecordHeaders();
    GroundTruthHeaders.write(h, Truth.offscreen("siren"));
    assertThat(value(h, "gt-boxes")).isEmpty();
    assertThat(value(h, "gt-onscreen")).isEqualTo("false");
    assertThat(GroundTruthHeaders.read(h)).isEqualTo(Truth.offscreen("siren"));
  }

  @Test
  void severalBoxesAreSemicolonSeparated() {
    List<NormalizedBox> boxes =
        List.of(new NormalizedBox(0.1, 0.2, 0.3, 0.4), new NormalizedBox(0.5, 0.5, 1, 1));
    String s = GroundTruthHeaders.formatBoxes(boxes);
    assertThat(s)
        .isEqualTo("0.100000,0.200000,0.300000,0.400000;0.500000,0.500000,1.000000,1.000000");
    assertThat(GroundTruthHeaders.parseBoxes(s)).isEqualTo(boxes);
  }

  @Test
  void pixelEdgesSurviveTheTextFormAndTruncation() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      int w = 16 + rng.nextInt(2000);
      int h = 16 + rng.nextInt(2000);
      int x0 = rng.nextInt(w);
      int x1 = x0 + rng.nextInt(w - x0);
      int y0 = rng.nextInt(h);
      int y1 = y0 + rng.nextInt(h - y0);
      NormalizedBox b =
          GroundTruthHeaders.parseBoxes(
                  GroundTruthHeaders.formatBoxes(
                      List.of(GroundTruthHeaders.pixelBox(x0, y0, x1, y1, w, h))))
              .get(0);
      assertThat((int) (b.x1() * w)).as("x1 of %d in %d", x0, w).isEqualTo(x0);
      assertThat((int) (b.y1() * h)).as("y1 of %d in %d", y0, h).isEqualTo(y0);
      assertThat((int) (b.x2() * w)).as("x2 of %d in %d", x1, w).isEqualTo(x1 + 1);
      assertThat((int) (b.y2() * h)).as("y2 of %d in %d", y1, h).isEqualTo(y1 + 1);
    }
  }

  @Test
  void aRecordWithoutGroundTruthReadsAsNull() {
    assertThat(GroundTruthHeaders.read(new RecordHeaders())).isNull();
  }

  @Test
  void malformedValuesAreRejectedWithTheHeaderName() {
    RecordHeaders h = new RecordHeaders();
    h.add("gt-onscreen", "yes".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> GroundTruthHeaders.read(h)).hasMessageContaining("gt-onscreen");
    assertThatThrownBy(() -> GroundTruthHeaders.parseBoxes("0.1,0.2,0.3"))
        .hasMessageContaining("gt-boxes");
    assertThatThrownBy(() -> GroundTruthHeaders.parseBoxes("0.1,0.2,0.3,x"))
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> new Truth("dog", List.of(), true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GroundTruthHeaders.pixelBox(0, 0, 320, 10, 320, 240))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String value(RecordHeaders h, String key) {
    return new String(h.lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
