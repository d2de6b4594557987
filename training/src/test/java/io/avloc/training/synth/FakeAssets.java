package io.avloc.training.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A tiny asset root for tests: cut-outs in one pure colour per class (so a test can find them in a
 * frame), grey backgrounds, tones and noise as WAV at assorted rates, and a catalog for it.
 */
public final class FakeAssets {

  /** Classes and the colour of their cut-outs. */
  static final List<String> CLASSES = List.of("magenta", "cyan", "yellow");

  static final String PACKAGE = "fake-media";
  static final String LICENCE = "CC0-1.0";

  private FakeAssets() {}

  /** Writes the files under {@code root} and returns the catalog that lists them. */
  public static Path create(Path root) throws IOException {
    List<String> rows = new ArrayList<>();
    rows.add("class\tkind\tsplit\tpath\tpackage\tlicence\tgroup");
    for (String split : List.of("train", "test")) {
      for (int c = 0; c < CLASSES.size(); c++) {
        String cls = CLASSES.get(c);
        String group = cls.equals("yellow") ? "instrument" : "animal";
        String img = "pics/" + split + "/" + cls + ".png";
        cutOut(root.resolve(img), colour(cls), split.equals("train") ? 120 : 90, c);
        rows.add(row(cls, "image", split, img, group));
        String snd = "sounds/" + split + "/" + cls + ".wav";
        int rate = new int[] {16000, 22050, 44100}[c];
        double seconds = split.equals("train") ? 0.6 + c : 3.5;
        wav(root.resolve(snd), tone(rate, seconds, 300 + 200 * c), rate, c == 2 ? 2 : 1);
        rows.add(row(cls, "sound", split, snd, group));
      }
      for (int b = 0; b < (split.equals("train") ? 2 : 1); b++) {
        String bg = "backgrounds/" + split + b + ".jpg";
        background(root.resolve(bg), b + (split.equals("train") ? 0 : 7));
        rows.add(row("outdoors", "background", split, bg, "-"));
      }
      String noise = "noise/" + split + ".wav";
      wav(
          root.resolve(noise),
          noise(16000, split.equals("train") ? 2.0 : 4.0, split.length()),
          16000,
          1);
      rows.add(row("hiss", "noise", split, noise, "-"));
    }
    String siren = "offscreen/siren.wav";
    wav(root.resolve(siren), tone(8000, 1.2, 900), 8000, 1);
    rows.add(row("siren", "offscreen", "train", siren, "-"));
    Path catalog = root.resolve("catalog.tsv");
    Files.write(catalog, rows, StandardCharsets.UTF_8);
    return catalog;
  }

  private static String row(String cls, String kind, String split, String path, String group) {
    return String.join("\t", cls, kind, split, path, PACKAGE, LICENCE, group);
  }

  static Color colour(String cls) {
    return switch (cls) {
      case "magenta" -> new Color(255, 0, 255);
      case "cyan" -> new Color(0, 255, 255);
      case "yellow" -> new Color(255, 255, 0);
      default -> throw new IllegalArgumentException(cls);
    };
  }

  /** Which of the classes' colours a frame pixel shows, or null (grey, dark, mixed). */
  static String classOf(int rgb) {
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    if (Math.min(r, b) > 60 && g < 0.4 * Math.min(r, b)) {
      return "magenta";
    }
    if (Math.min(g, b) > 60 && r < 0.4 * Math.min(g, b)) {
      return "cyan";
    }
    if (Math.min(r, g) > 60 && b < 0.4 * Math.min(r, g)) {
      return "yellow";
    }
    return null;
  }

  /** A filled shape of one colour on a transparent canvas with a transparent margin. */
  private static void cutOut(Path file, Color colour, int size, int shape) throws IOException {
    BufferedImage img = new BufferedImage(size + 20, size / 2 + 30, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setColor(colour);
    switch (shape) {
      case 0 -> g.fillOval(10, 10, size, size / 2);
      case 1 -> g.fillRect(10, 12, size, size / 2 - 4);
      default ->
          g.fillPolygon(
              new int[] {10, 10 + size, 10 + size / 2},
              new int[] {10 + size / 2, 10 + size / 2, 10},
              3);
    }
    g.dispose();
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  /** A grey photo stand-in: smooth gradient plus fixed noise, no saturated colour. */
  private static void background(Path file, int seed) throws IOException {
    BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    Random r = new Random(seed);
    for (int y = 0; y < 240; y++) {
      for (int x = 0; x < 320; x++) {
        int v = Math.min(230, 40 + (x + y) / 3 + r.nextInt(20));
        img.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "jpg", file.toFile());
  }

  static float[] tone(int rate, double seconds, double hz) {
    float[] s = new float[(int) (rate * seconds)];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) (0.6 * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return s;
  }

  private static float[] noise(int rate, double seconds, long seed) {
    Random r = new Random(seed);
    float[] s = new float[(int) (rate * seconds)];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) (0.3 * (2 * r.nextDouble() - 1));
    }
    return s;
  }

  /** 16-bit PCM WAV; with 2 channels the samples go to both. */
  static void wav(Path file, float[] samples, int rate, int channels) throws IOException {
    int data = samples.length * 2 * channels;
    ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data);
    b.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) channels).putInt(rate).putInt(rate * 2 * channels);
    b.putShort((short) (2 * channels)).putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
    for (float v : samples) {
      for (int c = 0; c < channels; c++) {
        b.putShort((short) Math.round(v * 32767));
      }
    }
    Files.createDirectories(file.getParent());
    Files.write(file, b.array());
  }
}
