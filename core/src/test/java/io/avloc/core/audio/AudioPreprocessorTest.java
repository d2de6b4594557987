package io.avloc.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AudioPreprocessorTest {

  private static final long T0 = 1_700_000_000_000_000L;

  private final AudioPreprocessor preprocessor = new AudioPreprocessor();

  @Test
  void theNetworkSees200FramesOf257Bins() {
    assertThat(AudioPreprocessor.FRAMES).isEqualTo(200);
  }

  /** At 16 kHz a bin is 31.25 Hz wide, so 1 kHz lands in bin 32 whatever the file's rate. */
  @ParameterizedTest
  @ValueSource(ints = {8000, 22_050, 44_100, 48_000})
  void anyRateIsBroughtTo16KilohertzBeforeTheSpectrogram(int rate) {
    AudioClip clip = new AudioClip(Signals.tone(1000, 0.5, 0, rate, 5 * rate), rate);
    LogSpectrogram s = preprocessor.offline(clip);
    assertThat(s.shape()).containsExactly(1, 257, 200);
    for (int t = 0; t < 200; t++) {
      int peak = 0;
      for (int f = 1; f < 257; f++) {
        peak = s.get(f, t) > s.get(peak, t) ? f : peak;
      }
      assertThat(peak).as("frame %d", t).isEqualTo(32);
    }
  }

  @Test
  void aFileGivesTheSameSpectrogramAsItsDecodedClip(@TempDir Path dir) throws IOException {
    float[] x =
        Signals.plus(Signals.tone(700, 0.3, 0, 22_050, 88_200), Signals.noise(0.05, 88_200, 9));
    Path file = writeWav16(dir.resolve("a.wav"), x, 22_050);
    assertThat(preprocessor.offline(file)).isEqualTo(preprocessor.offline(AudioDecoder.read(file)));
  }

  @Test
  void aFileAtAnUnsupportedRateIsRejectedWithItsName(@TempDir Path dir) throws IOException {
    Path file = writeWav16(dir.resolve("low.wav"), new float[4000], 4000);
    assertThatThrownBy(() -> preprocessor.offline(file))
        .isInstanceOf(AudioDecodeException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("sample rate is 4000 Hz")
        .hasMessageContaining("-ar 16000");
  }

  /**
   * Serving path (48 kHz audio resampled chunk by chunk, buffered, trailing window for a frame)
   * against training path (whole clip resampled, centred window): for the frame whose trailing
   * window is the clip's middle 3 s, the network input is identical.
   */
  @Test
  void streamingAndOfflinePathsGiveTheSameInputForTheSameThreeSeconds() {
    int rate = 48_000;
    float[] x =
        Signals.plus(Signals.tone(440, 0.4, 0, rate, 6 * rate), Signals.noise(0.1, 6 * rate, 3));
    LogSpectrogram offline = preprocessor.offline(new AudioClip(x, rate));

    Resampler.Stream stream = Resampler.of(rate, AudioPreprocessor.SAMPLE_RATE).newStream();
    float[] buffered = new float[0];
    for (int at = 0; at < x.length; at += 4800) { // 100 ms chunks
      buffered = concat(buffered, stream.push(x, at, Math.min(4800, x.length - at)));
    }
    buffered = concat(buffered, stream.finish());
    // the middle 3 s of 6 s are [1.5 s, 4.5 s]: the trailing window of a frame at 4 s
    TrailingWindow window =
        AudioWindows.trailing(
            TimedSamples.of(T0, AudioPreprocessor.SAMPLE_RATE, buffered), T0 + 4_000_000);
    assertThat(window.partial()).isFalse();
    assertThat(preprocessor.streaming(window)).isEqualTo(offline);
  }

  @Test
  void aStreamingWindowMustAlreadyBeAt16Kilohertz() {
    TrailingWindow w = AudioWindows.trailing(TimedSamples.of(T0, 48_000, new float[10]), T0);
    assertThatThrownBy(() -> preprocessor.streaming(w))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("48000 Hz")
        .hasMessageContaining("resample the stream to 16000 Hz");
  }

  private static Path writeWav16(Path file, float[] x, int rate) throws IOException {
    ByteBuffer pcm = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : x) {
      pcm.putShort((short) Math.round(v * 32767));
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    AudioSystem.write(
        new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, x.length),
        AudioFileFormat.Type.WAVE,
        file.toFile());
    return file;
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
