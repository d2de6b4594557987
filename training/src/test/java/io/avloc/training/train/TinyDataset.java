package io.avloc.training.train;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Writes a small VGG-SS-layout dataset for trainer tests: each clip shows a coloured square on a
 * noisy background and plays a tone whose pitch depends on the colour, so image and sound agree.
 */
final class TinyDataset {

  private TinyDataset() {}

  static Path write(Path root, int clips, long seed) throws IOException {
    Files.createDirectories(root.resolve("frames"));
    Files.createDirectories(root.resolve("audio"));
    SplittableRandom rng = new SplittableRandom(seed);
    StringBuilder json = new StringBuilder("[");
    Color[] colors = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
    double[] tones = {330, 523, 784, 1175};
    for (int i = 0; i < clips; i++) {
      String id = String.format(Locale.ROOT, "clip%03d", i);
      int k = i % colors.length;
      BufferedImage img = new BufferedImage(192, 192, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 192; y++) {
        for (int x = 0; x < 192; x++) {
          int v = 60 + rng.nextInt(60);
          img.setRGB(x, y, (v << 16) | (v << 8) | v);
        }
      }
      int size = 48 + rng.nextInt(48);
      int x0 = rng.nextInt(192 - size);
      int y0 = rng.nextInt(192 - size);
      Graphics2D g = img.createGraphics();
      g.setColor(colors[k]);
      g.fillRect(x0, y0, size, size);
      g.dispose();
      ImageIO.write(img, "jpg", root.resolve("frames/" + id + ".jpg").toFile());
      Files.write(root.resolve("audio/" + id + ".wav"), tone(tones[k], 3.2, 16000));
      if (i > 0) {
        json.append(',');
      }
      json.append(
          String.format(
              Locale.ROOT,
              "{\"file\":\"%s\",\"class\":\"c%d\",\"bbox\":[[%.4f,%.4f,%.4f,%.4f]]}",
              id,
              k,
              x0 / 192.0,
              y0 / 192.0,
              (x0 + size) / 192.0,
              (y0 + size) / 192.0));
    }
    json.append(']');
    Files.writeString(root.resolve("vggss.json"), json);
    return root;
  }

  static byte[] tone(double hz, double seconds, int rate) throws IOException {
    int n = (int) (seconds * rate);
    ByteBuffer pcm = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      pcm.putShort((short) (8000 * Math.sin(2 * Math.PI * hz * i / rate)));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes()).putInt(36 + n * 2).put("WAVE".getBytes());
    h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1);
    h.putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16);
    h.put("data".getBytes()).putInt(n * 2);
    out.write(h.array());
    out.write(pcm.array());
    return out.toByteArray();
  }
}
