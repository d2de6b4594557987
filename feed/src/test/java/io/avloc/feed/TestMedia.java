package io.avloc.feed;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Media files written by the tests. */
final class TestMedia {
  private TestMedia() {}

  /** A 16-bit PCM WAV of a sine at {@code hz}, the same on every channel. */
  static Path sineWav(Path file, int rate, int channels, double seconds, double hz)
      throws IOException {
    int n = (int) Math.round(rate * seconds);
    ByteBuffer b = ByteBuffer.allocate(44 + n * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + n * channels * 2).put("WAVE".getBytes());
    b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels);
    b.putInt(rate)
        .putInt(rate * channels * 2)
        .putShort((short) (channels * 2))
        .putShort((short) 16);
    b.put("data".getBytes()).putInt(n * channels * 2);
    for (int i = 0; i < n; i++) {
      short s = (short) Math.round(16_000 * Math.sin(2 * Math.PI * hz * i / rate));
      for (int c = 0; c < channels; c++) {
        b.putShort(s);
      }
    }
    return Files.write(file, b.array());
  }

  /** An image filled with one colour, written as PNG or JPEG by the file's extension. */
  static Path image(Path file, int w, int h, Color color) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.dispose();
    String name = file.getFileName().toString();
    ImageIO.write(img, name.endsWith(".png") ? "png" : "jpeg", file.toFile());
    return file;
  }

  /**
   * An MP4 (MPEG-4 part 2 video, AAC audio) of {@code seconds} at {@code fps}: frame k is a grey
   * level that rises with k; the audio is a 440 Hz sine at 44.1 kHz stereo.
   */
  static Path mp4(Path file, int fps, double seconds, boolean withAudio) throws Exception {
    int w = 160;
    int h = 120;
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), w, h, withAudio ? 2 : 0);
        Java2DFrameConverter conv = new Java2DFrameConverter()) {
      avutil.av_log_set_level(avutil.AV_LOG_ERROR);
      r.setFormat("mp4");
      r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      r.setVideoQuality(2);
      r.setFrameRate(fps);
      r.setGopSize(fps);
      if (withAudio) {
        r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
        r.setSampleRate(44_100);
        r.setAudioBitrate(128_000);
      }
      r.start();
      int frames = (int) Math.round(seconds * fps);
      int samplesPerFrame = 44_100 / fps;
      long sample = 0;
      for (int k = 0; k < frames; k++) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        int level = Math.min(255, 20 + k * 4);
        g.setColor(new Color(level, level, level));
        g.fillRect(0, 0, w, h);
        g.dispose();
        Frame f = conv.convert(img);
        r.record(f);
        if (withAudio) {
          short[] pcm = new short[samplesPerFrame * 2];
          for (int i = 0; i < samplesPerFrame; i++) {
            short s =
                (short) Math.round(12_000 * Math.sin(2 * Math.PI * 440 * (sample + i) / 44_100.0));
            pcm[2 * i] = s;
            pcm[2 * i + 1] = s;
          }
          sample += samplesPerFrame;
          r.recordSamples(44_100, 2, ShortBuffer.wrap(pcm));
        }
      }
      r.stop();
    }
    return file;
  }
}
