package io.avloc.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NaturalLogTest {

  @Test
  void agreesWithMathLogWithin1e14OverTheSpectrogramsRange() {
    Random random = new Random(8);
    for (int i = 0; i < 1_000_000; i++) {
      // log-uniform over [1e-7, 1e6]: the densities plus the 1e-7 floor
      double x = Math.exp(Math.log(1e-7) + random.nextDouble() * Math.log(1e13));
      assertThat(NaturalLog.ln(x)).as("ln(%s)", x).isCloseTo(Math.log(x), within(1e-14));
    }
  }

  @Test
  void getsKnownValuesRight() {
    assertThat(NaturalLog.ln(1.0)).isCloseTo(0.0, within(1e-16));
    assertThat(NaturalLog.ln(Math.E)).isCloseTo(1.0, within(1e-15));
    for (int e = -1022; e <= 1023; e += 7) {
      double x = Math.scalb(1.0, e);
      assertThat(NaturalLog.ln(x)).isCloseTo(Math.log(x), within(1e-12));
    }
  }

  @Test
  void tableBoundariesAndTheEndsOfTheMantissaAreCovered() {
    for (int i = 0; i <= 128; i++) {
      double m = 1 + i / 128.0;
      for (double x : new double[] {m, Math.nextDown(m), Math.nextUp(m), 1e-7 * m, 1e3 * m}) {
        assertThat(NaturalLog.ln(x)).as("ln(%s)", x).isCloseTo(Math.log(x), within(1e-14));
      }
    }
  }

  @Test
  void specialValuesBehaveAsMathLog() {
    assertThat(NaturalLog.ln(0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(NaturalLog.ln(-1.0)).isNaN();
    assertThat(NaturalLog.ln(Double.NaN)).isNaN();
    assertThat(NaturalLog.ln(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(NaturalLog.ln(Double.MIN_VALUE)).isEqualTo(Math.log(Double.MIN_VALUE));
  }
}
