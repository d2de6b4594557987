package io.avloc.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Statistics of the docs/methods.md §2 initialisation, drawn for the paper-sized network. */
class PaperInitTest {

  private static NDManager manager;
  private static AvLocalizer net;

  @BeforeAll
  static void setUp() {
    manager = Networks.pytorchManager();
    net = Networks.initialized(Preset.PAPER.config(), manager, 2024);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void convWeightsAreKaimingNormalWithFanOut() {
    for (ResNet18Trunk trunk : List.of(net.audioTrunk(), net.visualTrunk())) {
      Map<String, Parameter> p = trunk.torchvisionParameters();
      // layer4.0.conv2: 512·3·3 = 4608 fan-out, 2.4 M draws.
      assertMoments(p.get("layer4.0.conv2.weight"), 0, Math.sqrt(2.0 / 4608), 0.01);
      // stem: 64·7·7 = 3136 fan-out (not fan-in, which is 49 for the audio stem).
      assertMoments(p.get("conv1.weight"), 0, Math.sqrt(2.0 / 3136), 0.05);
      // 1×1 downsample: 256 fan-out.
      assertMoments(p.get("layer3.0.downsample.0.weight"), 0, Math.sqrt(2.0 / 256), 0.03);
    }
    Parameter proj = net.visualProjection().getDirectParameters().get("weight");
    assertMoments(proj, 0, Math.sqrt(2.0 / 512), 0.02);
  }

  @Test
  void linearWeightIsNormalWithStdOneHundredth() {
    Parameter w = net.audioProjection().getDirectParameters().get("weight");
    assertMoments(w, 0, 0.01, 0.02);
  }

  @Test
  void batchNormScaleIsNormalAroundOneAndShiftAndStatisticsAreNeutral() {
    List<Float> gammas = new ArrayList<>();
    List<BatchNorm2d> bns = new ArrayList<>();
    collect(net, bns);
    assertThat(bns).hasSize(2 * 20);
    for (BatchNorm2d bn : bns) {
      for (float g : bn.gamma().getArray().toFloatArray()) {
        gammas.add(g);
      }
      assertThat(bn.beta().getArray().toFloatArray()).containsOnly(0f);
      assertThat(bn.runningMean().getArray().toFloatArray()).containsOnly(0f);
      assertThat(bn.runningVar().getArray().toFloatArray()).containsOnly(1f);
      assertThat(bn.epsilon()).isEqualTo(1e-5f);
    }
    double[] m = moments(gammas.stream().mapToDouble(Float::doubleValue).toArray());
    assertThat(m[0]).isCloseTo(1.0, within(0.002));
    assertThat(m[1]).isCloseTo(0.02, within(0.001));
  }

  @Test
  void biasesAreUniformWithinOneOverSquareRootOfFanIn() {
    // Visual projection: 1×1 conv over 512 channels; audio projection: 512 in-features.
    for (Parameter bias :
        List.of(
            net.visualProjection().getDirectParameters().get("bias"),
            net.audioProjection().getDirectParameters().get("bias"))) {
      double bound = 1 / Math.sqrt(512);
      double[] b = toDoubles(bias);
      double max = 0;
      for (double x : b) {
        max = Math.max(max, Math.abs(x));
      }
      assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(0.9 * bound);
      // U(−a, a) has std a/√3.
      assertThat(moments(b)[1]).isCloseTo(bound / Math.sqrt(3), within(0.1 * bound));
    }
  }

  @Test
  void theSameSeedDrawsTheSameNetwork() {
    AvLocalizer a = Networks.initialized(Preset.LITE.config(), manager, 5);
    AvLocalizer b = Networks.initialized(Preset.LITE.config(), manager, 5);
    Parameter pa = a.audioTrunk().torchvisionParameters().get("layer1.0.conv1.weight");
    Parameter pb = b.audioTrunk().torchvisionParameters().get("layer1.0.conv1.weight");
    assertThat(pa.getArray().toFloatArray()).isEqualTo(pb.getArray().toFloatArray());
  }

  private static void collect(ai.djl.nn.Block block, List<BatchNorm2d> out) {
    if (block instanceof BatchNorm2d bn) {
      out.add(bn);
    }
    block.getChildren().values().forEach(child -> collect(child, out));
  }

  private static void assertMoments(Parameter p, double mean, double std, double relTolerance) {
    double[] m = moments(toDoubles(p));
    assertThat(m[0]).as("mean").isCloseTo(mean, within(std * 0.05));
    assertThat(m[1]).as("std").isCloseTo(std, within(std * relTolerance));
  }

  private static double[] toDoubles(Parameter p) {
    float[] f = p.getArray().toFloatArray();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static double[] moments(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    double mean = sum / x.length;
    double sq = 0;
    for (double v : x) {
      sq += (v - mean) * (v - mean);
    }
    return new double[] {mean, Math.sqrt(sq / x.length)};
  }
}
