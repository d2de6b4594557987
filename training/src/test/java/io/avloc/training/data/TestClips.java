package io.avloc.training.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Real media files for the dataset tests, written with ImageIO, raw RIFF bytes and FFmpeg. */
final class TestClips {
  private TestClips() {}

  /**
   * An RGB image of smooth gradients and a seeded pattern (so resizing and cropping matter), as
   * JPEG or PNG by the file's extension.
   */
  static Path image(Path file, int width, int height, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int phase = random.nextInt(256);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / Math.max(1, width - 1) + phase) & 0xff;
        int g = y * 255 / Math.max(1, height - 1);
        int b = random.nextInt(256);
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(img, name.endsWith(".png") ? "png" : "jpeg", file.toFile())) {
      throw new IOException("no ImageIO writer for " + file);
    }
    return file;
  }

  /** A 16-bit PCM WAV: a sine at {@code hz} plus a little seeded noise, on every channel. */
  static Path wav(Path file, int rate, int channels, double seconds, double hz, long seed)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    int n = (int) Math.round(rate * seconds);
    int bytes = n * channels * 2;
    ByteBuffer b = ByteBuffer.allocate(44 + bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(36 + bytes).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) channels);
    b.putInt(rate).putInt(rate * channels * 2).putShort((short) (channels * 2));
    b.putShort((short) 16);
    b.put(ascii("data")).putInt(bytes);
    for (int i = 0; i < n; i++) {
      double v = 0.4 * Math.sin(2 * Math.PI * hz * i / rate) + 0.05 * (random.nextDouble() - 0.5);
      short s = (short) Math.round(v * 32767);
      for (int c = 0; c < channels; c++) {
        b.putShort(s);
      }
    }
    Files.createDirectories(file.getParent());
    return Files.write(file, b.array());
  }

  /** A clip {@code frames/<id>.<ext>} + {@code audio/<id>.wav} (1.5 s, 16 kHz) under root. */
  static void clip(Path root, String id, String imageExtension, long seed) throws IOException {
    image(root.resolve("frames").resolve(id + "." + imageExtension), 64, 48, seed);
    wav(root.resolve("audio").resolve(id + ".wav"), 16_000, 1, 1.5, 300 + 20 * seed, seed);
  }

  /** A {@code vggss.json}: each entry {id, class, boxes}. */
  static Path vggssJson(Path file, List<Entry> entries) throws IOException {
    String json =
        entries.stream()
            .map(
                e ->
                    "{\"file\": \""
                        + e.id()
                        + "\", \"class\": \""
                        + e.soundClass()
                        + "\", \"bbox\": ["
                        + e.boxes().stream()
                            .map(
                                box ->
                                    "["
                                        + String.join(
                                            ", ",
                                            java.util.Arrays.stream(box)
                                                .mapToObj(Double::toString)
                                                .toList())
                                        + "]")
                            .collect(Collectors.joining(", "))
                        + "]}")
            .collect(Collectors.joining(",\n ", "[", "]"));
    Files.createDirectories(file.getParent());
    return Files.writeString(file, json);
  }

  record Entry(String id, String soundClass, List<double[]> boxes) {}

  /**
   * A Flickr-SoundNet annotation with one {@code bbox} per annotator box {xmin, ymin, xmax, ymax}.
   */
  static Path flickrXml(Path file, int[]... boxes) throws IOException {
    StringBuilder xml = new StringBuilder("<annotation>\n  <filename>x.jpg</filename>\n");
    xml.append("  <object>\n");
    for (int i = 0; i < boxes.length; i++) {
      int[] b = boxes[i];
      xml.append("    <bbox><annotator>")
          .append(i + 1)
          .append("</annotator><xmin>")
          .append(b[0])
          .append("</xmin><ymin>")
          .append(b[1])
          .append("</ymin><xmax>")
          .append(b[2])
          .append("</xmax><ymax>")
          .append(b[3])
          .append("</ymax></bbox>\n");
    }
    xml.append("  </object>\n</annotation>\n");
    Files.createDirectories(file.getParent());
    return Files.writeString(file, xml);
  }

  /**
   * An MP4 (MPEG-4 part 2 video, AAC audio) of {@code seconds} at {@code fps}: frame k is a flat
   * grey of level {@code 10 + 8k}; the audio is a 440 Hz sine, stereo, at {@code audioRate}.
   */
  static Path mp4(Path file, double seconds, int fps, int audioRate, boolean withAudio)
      throws IOException {
    int w = 96;
    int h = 64;
    Files.createDirectories(file.getParent());
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder recorder =
            new FFmpegFrameRecorder(file.toFile(), w, h, withAudio ? 2 : 0);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      recorder.setFormat("mp4");
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setVideoQuality(1);
      recorder.setFrameRate(fps);
      if (withAudio) {
        recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
        recorder.setSampleRate(audioRate);
        recorder.setAudioBitrate(128_000);
      }
      recorder.start();
      int frames = (int) Math.round(seconds * fps);
      int perFrame = audioRate / fps;
      long t = 0;
      for (int k = 0; k < frames; k++) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        int level = Math.min(255, 10 + 8 * k);
        int rgb = (level << 16) | (level << 8) | level;
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            img.setRGB(x, y, rgb);
          }
        }
        Frame frame = converter.convert(img);
        recorder.record(frame);
        if (withAudio) {
          short[] pcm = new short[2 * perFrame];
          for (int i = 0; i < perFrame; i++, t++) {
            short s = (short) Math.round(10_000 * Math.sin(2 * Math.PI * 440 * t / audioRate));
            pcm[2 * i] = s;
            pcm[2 * i + 1] = s;
          }
          recorder.recordSamples(audioRate, 2, ShortBuffer.wrap(pcm));
        }
      }
      recorder.stop();
    } catch (FFmpegFrameRecorder.Exception e) {
      throw new IOException("cannot write test video " + file, e);
    }
    return file;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
