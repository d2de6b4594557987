package io.avloc.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalizationMetricsTest {

  @Test
  void allPerfectSamplesGiveAucOne() {
    double[] cious = new double[10];
    Arrays.fill(cious, 1.0);
    assertThat(LocalizationMetrics.auc(cious)).isCloseTo(1.0, within(1e-12));
    assertThat(LocalizationMetrics.ap50(cious)).isEqualTo(1.0);
    assertThat(LocalizationMetrics.meanCiou(cious)).isEqualTo(1.0);
  }

  @Test
  void allFailedSamplesGiveTheMinimumAuc() {
    double[] cious = new double[10];
    assertThat(LocalizationMetrics.auc(cious)).isEqualTo(0.025);
    assertThat(LocalizationMetrics.ap50(cious)).isZero();
  }

  @Test
  void aucUsesTheReferenceThresholdsBitForBit() {
    // 0.05·6 = 0.30000000000000004 > 0.3 and 0.05·12 = 0.6000000000000001 > 0.6, so the success
    // rates are 1 for k = 0..5, 0.5 for k = 6..11, 0 after: area = 0.05·(5 + 0.75 + 2.5 + 0.25).
    double[] cious = {0.3, 0.6};
    assertThat(LocalizationMetrics.auc(cious)).isCloseTo(0.425, within(1e-12));
    assertThat(LocalizationMetrics.successRate(cious, 0.05 * 6)).isEqualTo(0.5);
    assertThat(LocalizationMetrics.ap50(cious)).isEqualTo(0.5);
    assertThat(LocalizationMetrics.meanCiou(cious)).isCloseTo(0.45, within(1e-15));
  }

  @Test
  void ap50CountsACiouOfExactlyOneHalf() {
    assertThat(LocalizationMetrics.ap50(new double[] {0.5, 0.49999})).isEqualTo(0.5);
  }

  @Test
  void metricsMatchNumpyOnAThousandSamples() throws IOException {
    JsonNode fixture;
    try (InputStream in = getClass().getResourceAsStream("/metrics/cious-numpy.json")) {
      fixture = Json.MAPPER.readTree(in);
    }
    double[] cious = new double[fixture.get("cious").size()];
    for (int i = 0; i < cious.length; i++) {
      cious[i] = fixture.get("cious").get(i).asDouble();
    }
    assertThat(cious).hasSize(1000);
    assertThat(LocalizationMetrics.ap50(cious)).isEqualTo(fixture.get("ap50").asDouble());
    assertThat(LocalizationMetrics.auc(cious)).isEqualTo(fixture.get("auc").asDouble());
    assertThat(LocalizationMetrics.meanCiou(cious)).isEqualTo(fixture.get("mean_ciou").asDouble());
  }

  @Test
  void pointingHitsWhenThePeakLiesInTheGroundTruth() {
    double[] gt = {0, 0, 0.5, 1};
    assertThat(LocalizationMetrics.pointingHit(new double[] {0.1, 0.2, 0.9, 0.3}, gt)).isTrue();
    assertThat(LocalizationMetrics.pointingHit(new double[] {0.1, 0.9, 0.2, 0.3}, gt)).isFalse();
    // Ties go to the first maximum in row-major order, like np.argmax.
    assertThat(LocalizationMetrics.pointingHit(new double[] {0.9, 0.2, 0.1, 0.9}, gt)).isFalse();
  }

  @Test
  void theOracleOfASmallBoxIsItsShareOfTheImage() {
    // 10x10 map, 3x3 box: 91 zeros > 50, so the threshold is 0 and every pixel is selected.
    double[] gt = GroundTruth.vggss(List.of(new NormalizedBox(0.2, 0.2, 0.5, 0.5)), 10, 10);
    assertThat(LocalizationMetrics.oracleCiou(gt)).isCloseTo(0.09, within(1e-15));
  }

  @Test
  void theOracleOfABoxCoveringHalfTheImageOrMoreIsPerfect() {
    double[] exactlyHalf = GroundTruth.vggss(List.of(new NormalizedBox(0, 0, 1, 0.5)), 10, 10);
    double[] large = GroundTruth.vggss(List.of(new NormalizedBox(0, 0, 1, 0.6)), 10, 10);
    assertThat(LocalizationMetrics.oracleCiou(exactlyHalf)).isEqualTo(1.0);
    assertThat(LocalizationMetrics.oracleCiou(large)).isEqualTo(1.0);
    // One pixel less than half: the threshold drops to 0 and the oracle falls to 49/100.
    double[] justUnder = exactlyHalf.clone();
    justUnder[49] = 0;
    assertThat(LocalizationMetrics.oracleCiou(justUnder)).isCloseTo(0.49, within(1e-15));
  }

  @Test
  void theOracleOn224By224FailsAp50ForEveryBoxUnderHalfTheImage() {
    double[] small = GroundTruth.vggss(List.of(new NormalizedBox(0.25, 0.25, 0.75, 0.75)));
    double[] large = GroundTruth.vggss(List.of(new NormalizedBox(0.1, 0.1, 0.9, 0.9)));
    assertThat(LocalizationMetrics.oracleCiou(small)).isCloseTo(0.25, within(1e-15));
    assertThat(LocalizationMetrics.oracleCiou(large)).isEqualTo(1.0);
  }
}
