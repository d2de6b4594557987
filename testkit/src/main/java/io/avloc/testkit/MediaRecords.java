package io.avloc.testkit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Raw records of the avloc media contract (frames: JPEG + {@code ts-us}/{@code format}; audio: PCM
 * s16le + {@code ts-us}/{@code format}/{@code sample-rate}/{@code channels}), built the way an
 * external producer would, for integration tests.
 */
public final class MediaRecords {
  private MediaRecords() {}

  /** A w×h JPEG with a ball at horizontal position {@code x}. */
  public static byte[] jpeg(int w, int h, int x) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(40, 90, 40));
    g.fillRect(0, 0, w, h);
    g.setColor(Color.ORANGE);
    g.fillOval(x % w, h / 3, w / 4, h / 4);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "jpeg", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** 16 kHz mono PCM s16le of a sine tone, {@code ms} long, continuing from {@code startSample}. */
  public static byte[] tone(int ms, double hz, long startSample) {
    int n = 16 * ms;
    byte[] pcm = new byte[2 * n];
    for (int i = 0; i < n; i++) {
      short v = (short) (8000 * Math.sin(2 * Math.PI * hz * (startSample + i) / 16000.0));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    return pcm;
  }

  /** A frame record for {@code camera} captured at {@code tsUs}. */
  public static ProducerRecord<byte[], byte[]> frame(
      String topic, String camera, long tsUs, byte[] jpeg) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(topic, null, tsUs / 1000, bytes(camera), jpeg);
    header(r, "ts-us", Long.toString(tsUs));
    header(r, "format", "jpeg");
    return r;
  }

  /** A 16 kHz mono audio record for {@code camera} whose first sample is at {@code tsUs}. */
  public static ProducerRecord<byte[], byte[]> audio(
      String topic, String camera, long tsUs, byte[] pcm) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(topic, null, tsUs / 1000, bytes(camera), pcm);
    header(r, "ts-us", Long.toString(tsUs));
    header(r, "format", "pcm_s16le");
    header(r, "sample-rate", "16000");
    header(r, "channels", "1");
    return r;
  }

  /** Sets (replaces) a UTF-8 header. */
  public static void header(ProducerRecord<?, ?> r, String key, String value) {
    r.headers().remove(key);
    r.headers().add(key, bytes(value));
  }

  private static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
