package io.avloc.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Spectrogram} against scipy 1.17.1 itself, on fixtures written by {@code
 * core/src/test/python/spectrogram_fixture.py} (a tone, a chirp, noise, a DC offset and a stretch
 * of digital silence, rounded to float32).
 *
 * <p>Two criteria, both checked: the density P within 1e-6 relative (docs/methods.md §9), and the
 * public float32 output S = ln(P + 1e-7) / 12 within 1e-6 absolute. The second is what the network
 * sees. A relative error e on P moves S by at most e / 12, and rounding S (|S| < 1.4) to float32
 * adds at most 6e-8, so an absolute bound is the natural unit for S; relative bounds would be
 * meaningless where S crosses zero.
 */
class SpectrogramScipyParityTest {

  @ParameterizedTest
  @ValueSource(strings = {"scipy-spectrogram-16000.bin", "scipy-spectrogram-44100.bin"})
  void matchesScipyWithinOnePartPerMillion(String fixture) throws IOException {
    ByteBuffer b = read("/audio/" + fixture);
    int fs = b.getInt();
    int n = b.getInt();
    int frames = b.getInt();
    float[] x = new float[n];
    b.asFloatBuffer().get(x);
    b.position(b.position() + 4 * n);
    double[] p = new double[257 * frames];
    b.asDoubleBuffer().get(p);
    b.position(b.position() + 8 * p.length);
    double[] s = new double[257 * frames];
    b.asDoubleBuffer().get(s);
    assertThat(b.position() + 8 * s.length).isEqualTo(b.limit());

    Spectrogram spectrogram = new Spectrogram(fs);
    double[] ours = spectrogram.powerSpectralDensity(x);
    LogSpectrogram log = spectrogram.compute(x);
    assertThat(log.frames()).isEqualTo(frames);
    int silent = 0;
    for (int i = 0; i < p.length; i++) {
      assertThat(ours[i]).as("P at %d", i).isCloseTo(p[i], within(1e-6 * p[i]));
      assertThat((double) log.data()[i]).as("S at %d", i).isCloseTo(s[i], within(1e-6));
      silent += p[i] == 0 ? 1 : 0;
    }
    assertThat(silent).as("bins of silent frames in the fixture").isPositive();
  }

  private static ByteBuffer read(String resource) throws IOException {
    try (InputStream in = SpectrogramScipyParityTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
    }
  }
}
