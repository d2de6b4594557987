package io.avloc.streams;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.Preset;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Real media for streams tests: JPEG frames, PCM chunks, a lite model artifact. */
final class TestMedia {
  private TestMedia() {}

  /** Exports a seeded, untrained lite model to {@code dir}. */
  static Path liteModel(Path dir) throws IOException {
    Engine.getEngine("OnnxRuntime");
    Engine torch = Engine.getEngine("PyTorch");
    torch.setRandomSeed(7);
    try (NDManager m = torch.newBaseManager()) {
      AvLocalizer net = new AvLocalizer(Preset.LITE.config());
      net.initialize(m, DataType.FLOAT32, Preset.LITE.config().inputShapes(1));
      ModelExporter.export(net, ModelExporter.Description.untrained("lite-test", "1", 7), dir);
    }
    return dir;
  }

  static byte[] jpeg(int w, int h, int x) {
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

  /** 16 kHz mono PCM s16le of a tone, {@code ms} long. */
  static byte[] tone(int ms, double hz, long startSample) {
    int n = 16 * ms;
    byte[] pcm = new byte[2 * n];
    for (int i = 0; i < n; i++) {
      short v = (short) (8000 * Math.sin(2 * Math.PI * hz * (startSample + i) / 16000.0));
      pcm[2 * i] = (byte) v;
      pcm[2 * i + 1] = (byte) (v >> 8);
    }
    return pcm;
  }

  static ProducerRecord<byte[], byte[]> frame(String topic, String camera, long tsUs, byte[] jpeg) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(topic, null, tsUs / 1000, bytes(camera), jpeg);
    header(r, "ts-us", Long.toString(tsUs));
    header(r, "format", "jpeg");
    return r;
  }

  static ProducerRecord<byte[], byte[]> audio(String topic, String camera, long tsUs, byte[] pcm) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(topic, null, tsUs / 1000, bytes(camera), pcm);
    header(r, "ts-us", Long.toString(tsUs));
    header(r, "format", "pcm_s16le");
    header(r, "sample-rate", "16000");
    header(r, "channels", "1");
    return r;
  }

  static void header(ProducerRecord<?, ?> r, String key, String value) {
    r.headers().remove(key);
    r.headers().add(key, bytes(value));
  }

  static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
