package io.avloc.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroundTruthTest {
  private static final int S = GroundTruth.SIZE;

  @Test
  void vggssCoordinatesAreClippedToTheImage() {
    double[] gt = GroundTruth.vggss(List.of(new NormalizedBox(-0.1, -0.2, 1.3, 0.5)));
    // x: [0, 224), y: [0, 112)
    assertThat(sum(gt)).isEqualTo(112.0 * 224);
    assertThat(at(gt, 111, 223)).isEqualTo(1.0);
    assertThat(at(gt, 112, 0)).isZero();
  }

  @Test
  void vggssCoordinatesAreTruncatedAndEndExclusive() {
    // ×224 = 22.4, 44.8, 67.2, 89.6 -> columns 22..66, rows 44..88.
    double[] gt = GroundTruth.vggss(List.of(new NormalizedBox(0.1, 0.2, 0.3, 0.4)));
    assertThat(sum(gt)).isEqualTo(45.0 * 45);
    assertThat(at(gt, 44, 22)).isEqualTo(1.0);
    assertThat(at(gt, 88, 66)).isEqualTo(1.0);
    assertThat(at(gt, 43, 22)).isZero();
    assertThat(at(gt, 44, 21)).isZero();
    assertThat(at(gt, 89, 66)).isZero();
    assertThat(at(gt, 88, 67)).isZero();
  }

  @Test
  void aDegenerateVggssBoxCoversNothing() {
    assertThat(sum(GroundTruth.vggss(List.of(new NormalizedBox(0.5, 0.5, 0.5, 0.9))))).isZero();
    assertThat(sum(GroundTruth.vggss(List.of(new NormalizedBox(0.6, 0.1, 0.4, 0.9))))).isZero();
  }

  @Test
  void overlappingVggssBoxesFormABinaryUnion() {
    double[] gt =
        GroundTruth.vggss(
            List.of(new NormalizedBox(0, 0, 0.5, 0.5), new NormalizedBox(0.25, 0.25, 0.75, 0.75)));
    assertThat(Arrays.stream(gt).max().orElseThrow()).isEqualTo(1.0);
    assertThat(sum(gt)).isEqualTo(2 * 112.0 * 112 - 56 * 56);
  }

  @Test
  void noVggssBoxesGiveAnEmptyMap() {
    assertThat(sum(GroundTruth.vggss(List.of()))).isZero();
  }

  @Test
  void vggssScalesXByWidthAndYByHeight() {
    double[] gt = GroundTruth.vggss(List.of(new NormalizedBox(0.5, 0.5, 1, 1)), 10, 20);
    assertThat(gt).hasSize(200);
    assertThat(sum(gt)).isEqualTo(5.0 * 10);
    assertThat(gt[5 * 20 + 10]).isEqualTo(1.0);
    assertThat(gt[5 * 20 + 9]).isZero();
    assertThat(gt[4 * 20 + 10]).isZero();
  }

  @Test
  void flickrConsensusIsHalfForOneAnnotatorAndOneForTwoOrMore() {
    PixelBox box = new PixelBox(0, 0, 128, 128); // -> [0, 112) on both axes
    assertThat(at(GroundTruth.flickr(List.of(box)), 50, 50)).isEqualTo(0.5);
    assertThat(at(GroundTruth.flickr(Collections.nCopies(2, box)), 50, 50)).isEqualTo(1.0);
    assertThat(at(GroundTruth.flickr(Collections.nCopies(3, box)), 50, 50)).isEqualTo(1.0);
    assertThat(at(GroundTruth.flickr(List.of(box)), 112, 50)).isZero();
  }

  @Test
  void flickrCoordinatesAreFlooredFrom256To224() {
    // 224·1/256 = 0.875 -> 0; 224·255/256 = 223.125 -> 223; 256 -> 224.
    double[] gt =
        GroundTruth.flickr(List.of(new PixelBox(1, 1, 255, 256), new PixelBox(9, 0, 10, 256)));
    assertThat(at(gt, 0, 0)).isEqualTo(0.5);
    assertThat(at(gt, 223, 222)).isEqualTo(0.5);
    assertThat(at(gt, 100, 223)).isZero();
    // 224·9/256 = 7.875 -> 7 and 224·10/256 = 8.75 -> 8: the second box is column 7 only.
    assertThat(at(gt, 100, 7)).isEqualTo(1.0);
    assertThat(at(gt, 100, 8)).isEqualTo(0.5);
  }

  @Test
  void flickrBoxesBeyondTheFrameAreCutAtTheBorder() {
    double[] gt = GroundTruth.flickr(List.of(new PixelBox(200, 200, 300, 300)));
    // 175 .. 223 on both axes.
    assertThat(sum(gt)).isEqualTo(0.5 * 49 * 49);
  }

  private static double at(double[] map, int row, int col) {
    return map[row * S + col];
  }

  private static double sum(double[] map) {
    return Arrays.stream(map).sum();
  }
}
