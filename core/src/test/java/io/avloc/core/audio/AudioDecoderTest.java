package io.avloc.core.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioFormat.Encoding;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioDecoderTest {

  @TempDir Path dir;

  /**
   * Writes a WAV with javax.sound's own writer. Each row of {@code frames} holds one raw value per
   * channel: the unsigned byte for 8-bit, the signed integer for 16/24/32-bit, the float otherwise.
   */
  private Path wav(String name, Encoding encoding, int bits, int rate, double[][] frames)
      throws IOException {
    int channels = frames.length == 0 ? 1 : frames[0].length;
    boolean isFloat = encoding.toString().equals("PCM_FLOAT");
    int width = bits / 8;
    ByteBuffer pcm = ByteBuffer.allocate(frames.length * channels * width);
    pcm.order(ByteOrder.LITTLE_ENDIAN);
    for (double[] frame : frames) {
      for (double v : frame) {
        if (isFloat) {
          if (bits == 32) {
            pcm.putFloat((float) v);
          } else {
            pcm.putDouble(v);
          }
        } else {
          long raw = (long) v;
          for (int b = 0; b < width; b++) {
            pcm.put((byte) (raw >> (8 * b)));
          }
        }
      }
    }
    AudioFormat format =
        new AudioFormat(encoding, rate, bits, channels, channels * width, rate, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(
        new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, frames.length),
        AudioFileFormat.Type.WAVE,
        out);
    Path file = dir.resolve(name);
    Files.write(file, out.toByteArray());
    return file;
  }

  @Nested
  class Wav {

    /** One stereo frame per format; the result is the mean of the two channels on each scale. */
    @ParameterizedTest(name = "{0} {1}-bit ({2}, {3})")
    @CsvSource({
      // 16-bit is the papers' int16 / 32767
      "PCM_SIGNED, 16, 32767, 32767, 1.0",
      "PCM_SIGNED, 16, -32768, -32768, -1.0000305185",
      "PCM_SIGNED, 16, 16384, -8192, 0.1250038148",
      // 8-bit is unsigned: (u - 128) * 256 / 32767
      "PCM_UNSIGNED, 8, 255, 255, 0.9922177801",
      "PCM_UNSIGNED, 8, 128, 128, 0.0",
      "PCM_UNSIGNED, 8, 0, 64, -0.7500228889",
      // 24-bit: s / (256 * 32767)
      "PCM_SIGNED, 24, 8388607, 8388607, 1.0000303993",
      "PCM_SIGNED, 24, -8388608, 4194304, -0.2500076295",
      // 32-bit: s / (65536 * 32767)
      "PCM_SIGNED, 32, 2147483647, 2147483647, 1.0000305180",
      "PCM_SIGNED, 32, -1073741824, 0, -0.2500076295",
      // float: x * 32768 / 32767
      "PCM_FLOAT, 32, 1.0, 1.0, 1.0000305185",
      "PCM_FLOAT, 32, 0.5, -0.25, 0.1250038148",
      "PCM_FLOAT, 64, -1.0, 0.0, -0.5000152593",
      "PCM_FLOAT, 64, 0.3, 0.3, 0.3000091556"
    })
    void eachSampleFormatIsReadOnThePapersInt16Scale(
        String encoding, int bits, double left, double right, double mono) throws IOException {
      Path file =
          wav("f.wav", new Encoding(encoding), bits, 16_000, new double[][] {{left, right}});
      AudioClip clip = AudioDecoder.read(file);
      assertThat(clip.sampleRate()).isEqualTo(16_000);
      assertThat(clip.samples()).hasSize(1);
      assertThat((double) clip.samples()[0]).isCloseTo(mono, within(1e-7));
    }

    @ParameterizedTest(name = "{0} {1}-bit")
    @CsvSource({
      "PCM_UNSIGNED, 8",
      "PCM_SIGNED, 16",
      "PCM_SIGNED, 24",
      "PCM_SIGNED, 32",
      "PCM_FLOAT, 32",
      "PCM_FLOAT, 64"
    })
    void stereoIsAveragedToMonoSampleBySample(String encoding, int bits) throws IOException {
      // left: a 440 Hz tone at half scale, right: a 1 kHz tone at quarter scale
      int rate = 22_050;
      int n = 2205;
      double full = fullScale(encoding, bits);
      double[][] frames = new double[n][2];
      for (int i = 0; i < n; i++) {
        double l = 0.5 * Math.sin(2 * Math.PI * 440 * i / rate);
        double r = 0.25 * Math.sin(2 * Math.PI * 1000 * i / rate);
        frames[i][0] = encode(l, encoding, full);
        frames[i][1] = encode(r, encoding, full);
      }
      AudioClip clip = AudioDecoder.read(wav("s.wav", new Encoding(encoding), bits, rate, frames));
      assertThat(clip.sampleRate()).isEqualTo(rate);
      assertThat(clip.samples()).hasSize(n);
      // 8-bit quantisation is coarse; the others are exact up to float rounding
      double tolerance = bits == 8 ? 1.0 / 128 : 1e-4;
      for (int i = 0; i < n; i++) {
        double expected =
            (decode(frames[i][0], encoding, full) + decode(frames[i][1], encoding, full)) / 2;
        assertThat((double) clip.samples()[i]).isCloseTo(expected, within(1e-6));
        double ideal =
            (0.5 * Math.sin(2 * Math.PI * 440 * i / rate)
                    + 0.25 * Math.sin(2 * Math.PI * 1000 * i / rate))
                / 2;
        assertThat((double) clip.samples()[i]).isCloseTo(ideal, within(tolerance));
      }
    }

    @Test
    void aWaveFormatExtensibleFileWith24BitsAndThreeChannelsIsRead() throws IOException {
      int[][] frames = {{8_388_607, 0, -8_388_608}, {256, 512, 768}};
      ByteBuffer b = ByteBuffer.allocate(68 + 9 * frames.length).order(ByteOrder.LITTLE_ENDIAN);
      b.put(ascii("RIFF")).putInt(60 + 9 * frames.length).put(ascii("WAVE"));
      b.put(ascii("fmt ")).putInt(40);
      b.putShort((short) 0xFFFE).putShort((short) 3).putInt(48_000).putInt(48_000 * 9);
      b.putShort((short) 9).putShort((short) 24);
      b.putShort((short) 22).putShort((short) 24).putInt(0x7); // cbSize, valid bits, FL|FR|FC
      // KSDATAFORMAT_SUBTYPE_PCM 00000001-0000-0010-8000-00aa00389b71
      b.putInt(1).putShort((short) 0).putShort((short) 0x10);
      b.put(new byte[] {(byte) 0x80, 0, 0, (byte) 0xaa, 0, 0x38, (byte) 0x9b, 0x71});
      b.put(ascii("data")).putInt(9 * frames.length);
      for (int[] frame : frames) {
        for (int v : frame) {
          b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
        }
      }
      Path file = dir.resolve("ext.wav");
      Files.write(file, b.array());

      AudioClip clip = AudioDecoder.read(file);
      assertThat(clip.sampleRate()).isEqualTo(48_000);
      assertThat((double) clip.samples()[0]).isCloseTo(-1.0 / (3 * 256 * 32767), within(1e-9));
      assertThat((double) clip.samples()[1]).isCloseTo(512.0 / (256 * 32767), within(1e-9));
    }

    @Test
    void aFileCutShortYieldsTheFramesItStillHolds() throws IOException {
      double[][] frames = new double[100][1];
      for (int i = 0; i < 100; i++) {
        frames[i][0] = i * 100;
      }
      Path file = wav("cut.wav", Encoding.PCM_SIGNED, 16, 8000, frames);
      byte[] bytes = Files.readAllBytes(file);
      Files.write(file, Arrays.copyOf(bytes, bytes.length - 51)); // 25.5 frames missing
      AudioClip clip = AudioDecoder.read(file);
      assertThat(clip.samples()).hasSize(74);
      assertThat(clip.samples()[73]).isEqualTo(7300 / 32767f);
    }
  }

  @Nested
  class OggVorbis {

    /** See core/src/test/python/ogg_fixture.py: left 0.4 at 440 Hz, right 0.2 at 1 kHz. */
    @Test
    void aStereoOggVorbisFileIsDecodedAndAveragedToMono() throws Exception {
      AudioClip clip = AudioDecoder.read(resource("two-tones-stereo.ogg"));
      assertThat(clip.sampleRate()).isEqualTo(22_050);
      // exactly the encoded length: the decoder's padding after the last granule is dropped
      assertThat(clip.length()).isEqualTo(22_050);
      float[] x = clip.samples();
      // lossy coding: amplitudes within 1 % (measured: 0.01 % and 0.08 %)
      assertThat(Signals.amplitudeAt(x, 2205, 19_845, 440, 22_050)).isCloseTo(0.2, within(0.002));
      assertThat(Signals.amplitudeAt(x, 2205, 19_845, 1000, 22_050)).isCloseTo(0.1, within(0.001));
      // and nothing much else: the two tones account for the signal's power
      double tones = (0.2 * 0.2 + 0.1 * 0.1) / 2;
      assertThat(Math.pow(Signals.rms(x, 2205, 19_845), 2)).isCloseTo(tones, within(0.02 * tones));
    }
  }

  @Nested
  class BadInput {

    @Test
    void aMissingFileIsNamedAndReportedAsMissing() {
      Path file = dir.resolve("nope.wav");
      assertThatThrownBy(() -> AudioDecoder.read(file))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("does not exist")
          .hasMessageContaining("Check the path")
          .satisfies(e -> assertThat(((AudioDecodeException) e).file()).isEqualTo(file));
    }

    @Test
    void aDirectoryIsNotAnAudioFile() {
      assertThatThrownBy(() -> AudioDecoder.read(dir))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining("is a directory");
    }

    @Test
    void anEmptyFileIsRejected() throws IOException {
      Path file = Files.write(dir.resolve("empty.wav"), new byte[0]);
      assertThatThrownBy(() -> AudioDecoder.read(file))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("empty");
    }

    @Test
    void aTextFileIsNotAudio() throws IOException {
      Path file = Files.writeString(dir.resolve("notes.wav"), "hello, world");
      assertThatThrownBy(() -> AudioDecoder.read(file))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("not a WAV or OGG file")
          .hasMessageContaining("0x68656c6c")
          .hasMessageContaining("ffmpeg");
    }

    @Test
    void mp3IsRecognisedAndTheUserIsToldToConvertIt() throws IOException {
      Path tagged =
          Files.write(
              dir.resolve("a.mp3"), "ID3\u0004\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
      Path bare =
          Files.write(dir.resolve("b.mp3"), new byte[] {(byte) 0xff, (byte) 0xfb, (byte) 0x90, 0});
      for (Path file : new Path[] {tagged, bare}) {
        assertThatThrownBy(() -> AudioDecoder.read(file))
            .isInstanceOf(AudioDecodeException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("it is an MP3 file, which is not supported")
            .hasMessageContaining("convert the file first, e.g. ffmpeg -i INPUT");
      }
    }

    @Test
    void anUnsupportedWavEncodingIsNamed() throws IOException {
      Path file = wav("ulaw.wav", Encoding.ULAW, 8, 8000, new double[][] {{1}, {2}});
      assertThatThrownBy(() -> AudioDecoder.read(file))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("mu-law 8-bit")
          .hasMessageContaining("not supported")
          .hasMessageContaining("pcm_s16le");
    }

    @Test
    void aWavWithoutSamplesIsRejected() throws IOException {
      Path file = wav("silent.wav", Encoding.PCM_SIGNED, 16, 8000, new double[0][1]);
      assertThatThrownBy(() -> AudioDecoder.read(file))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("no audio samples");
    }

    @Test
    void aWavWithoutADataChunkIsCorrupt() throws IOException {
      Path file = wav("h.wav", Encoding.PCM_SIGNED, 16, 8000, new double[][] {{1}});
      Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 36)); // RIFF header + fmt chunk
      assertThatThrownBy(() -> AudioDecoder.read(file))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining("no 'data' chunk")
          .hasMessageContaining("re-export");
    }

    @Test
    void anOggFileThatIsNotVorbisNamesItsCodec() throws IOException {
      ByteBuffer page = ByteBuffer.allocate(27 + 1 + 19);
      page.put(ascii("OggS")).put(new byte[22]).put((byte) 1).put((byte) 19).put(ascii("OpusHead"));
      Path file = Files.write(dir.resolve("voice.ogg"), page.array());
      assertThatThrownBy(() -> AudioDecoder.read(file))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining("it is an OGG file carrying Opus, not Vorbis");
    }

    @Test
    void aTruncatedOggVorbisFileIsReportedWithItsName() throws Exception {
      byte[] ogg = Files.readAllBytes(resource("two-tones-stereo.ogg"));
      Path file = Files.write(dir.resolve("cut.ogg"), Arrays.copyOf(ogg, 200));
      assertThatThrownBy(() -> AudioDecoder.read(file))
          .isInstanceOf(AudioDecodeException.class)
          .hasMessageContaining(file.toString());
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(AudioDecoderTest.class.getResource("/audio/" + name).toURI());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static double fullScale(String encoding, int bits) {
    return encoding.equals("PCM_FLOAT") ? 1 : Math.scalb(1.0, bits - 1) - 1;
  }

  /** Raw value for a signal value in [-1, 1]. */
  private static double encode(double v, String encoding, double full) {
    if (encoding.equals("PCM_FLOAT")) {
      return v;
    }
    double q = Math.rint(v * full);
    return encoding.equals("PCM_UNSIGNED") ? q + 128 : q;
  }

  /** The decoder's documented reading of a raw value. */
  private static double decode(double raw, String encoding, double full) {
    switch (encoding) {
      case "PCM_FLOAT":
        return raw * 32768 / 32767;
      case "PCM_UNSIGNED":
        return (raw - 128) * 256 / 32767;
      default:
        return raw / ((full + 1) / 32768) / 32767;
    }
  }
}
