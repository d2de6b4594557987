package io.avloc.feed;

import io.avloc.core.audio.AudioClip;
import io.avloc.core.audio.AudioDecodeException;
import io.avloc.core.audio.AudioDecoder;
import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.audio.Resampler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Pictures and recorded sounds for {@link SyntheticScene}s.
 *
 * <p>Layout (the same in the jar under {@value #BUNDLED} and in a folder given to {@link
 * #fromDirectory}):
 *
 * <pre>
 * backgrounds/NAME.jpg          background photos (any size; scaled to cover the frame)
 * objects/CLASS/NAME.png        cut-outs with alpha (trimmed to their opaque part on load)
 * sounds/CLASS/NAME.wav         recorded sounds of CLASS (every CLASS under objects/ needs one)
 * offscreen/CLASS/NAME.wav      sounds of things that are never drawn (helicopter, bell, ...)
 * manifest.txt                  the files above, one relative path a line (needed in a jar,
 *                               optional in a folder)
 * </pre>
 *
 * Sounds are WAV or OGG/Vorbis at any rate and channel count; they are mixed down to mono,
 * resampled to 16 kHz and peak-normalized on load. The bundled set is 16 kHz mono 16-bit WAV, made
 * by {@code assets/fetch-assets.sh} from test-split media of the benchmark catalog only (so that
 * the demo's live accuracy is measured on media no model was trained on); its sources and licences
 * are listed in {@code assets/LICENSES.md} beside it and in its {@code provenance.tsv}.
 *
 * <p>Immutable once loaded and safe to share between cameras.
 */
public final class SyntheticAssets {

  /** Class-path folder of the bundled set. */
  public static final String BUNDLED = "assets/synthetic";

  /** Sample rate of every loaded sound. */
  public static final int SAMPLE_RATE = AudioPreprocessor.SAMPLE_RATE;

  private static volatile SyntheticAssets bundled;

  private final List<BufferedImage> backgrounds;
  private final Map<String, List<BufferedImage>> sprites;
  private final Map<String, List<float[]>> sounds;
  private final Map<String, List<float[]>> offscreenSounds;

  private SyntheticAssets(
      List<BufferedImage> backgrounds,
      Map<String, List<BufferedImage>> sprites,
      Map<String, List<float[]>> sounds,
      Map<String, List<float[]>> offscreenSounds,
      String where) {
    if (backgrounds.isEmpty()) {
      throw new FeedException("synthetic assets in " + where + " have no backgrounds/*.jpg");
    }
    if (sprites.isEmpty()) {
      throw new FeedException("synthetic assets in " + where + " have no objects/CLASS/*.png");
    }
    for (String cls : sprites.keySet()) {
      if (!sounds.containsKey(cls)) {
        throw new FeedException(
            "synthetic assets in "
                + where
                + ": class '"
                + cls
                + "' has pictures but no sounds/"
                + cls
                + "/*.wav");
      }
    }
    for (String cls : sounds.keySet()) {
      if (!sprites.containsKey(cls)) {
        throw new FeedException(
            "synthetic assets in "
                + where
                + ": class '"
                + cls
                + "' has sounds but no objects/"
                + cls
                + "/*.png (put sounds without pictures under offscreen/)");
      }
    }
    this.backgrounds = List.copyOf(backgrounds);
    this.sprites = freeze(sprites);
    this.sounds = freeze(sounds);
    this.offscreenSounds = freeze(offscreenSounds);
  }

  private static <T> Map<String, List<T>> freeze(Map<String, List<T>> m) {
    Map<String, List<T>> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(out);
  }

  /** The set bundled in the avloc jar (loaded once, then shared). */
  public static SyntheticAssets bundled() {
    SyntheticAssets a = bundled;
    if (a == null) {
      synchronized (SyntheticAssets.class) {
        a = bundled;
        if (a == null) {
          a = loadBundled();
          bundled = a;
        }
      }
    }
    return a;
  }

  private static SyntheticAssets loadBundled() {
    String where = "the class path (" + BUNDLED + ")";
    byte[] manifest = resource(BUNDLED + "/manifest.txt", where);
    List<String> paths = new ArrayList<>();
    for (String line : new String(manifest, StandardCharsets.UTF_8).split("\n")) {
      String p = line.strip();
      if (!p.isEmpty() && !p.startsWith("#")) {
        paths.add(p);
      }
    }
    Loader loader = new Loader(where);
    for (String p : paths) {
      loader.add(p, () -> resource(BUNDLED + "/" + p, where), null);
    }
    return loader.build();
  }

  private static byte[] resource(String name, String where) {
    try (InputStream in = SyntheticAssets.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new FeedException("synthetic asset " + name + " is missing from " + where);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new FeedException("cannot read synthetic asset " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads a set from a folder with the layout above (e.g. the output of {@code
   * assets/fetch-assets.sh}).
   *
   * @throws FeedException when the folder is missing, a file does not decode, or a class lacks
   *     pictures or sounds
   */
  public static SyntheticAssets fromDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new FeedException("synthetic assets folder " + dir + " does not exist");
    }
    String where = dir.toString();
    Loader loader = new Loader(where);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new FeedException("cannot list synthetic assets in " + dir + ": " + e, e);
    }
    for (Path f : files) {
      String rel = dir.relativize(f).toString().replace('\\', '/');
      loader.add(
          rel,
          () -> {
            try {
              return Files.readAllBytes(f);
            } catch (IOException e) {
              throw new FeedException("cannot read synthetic asset " + f + ": " + e, e);
            }
          },
          f);
    }
    return loader.build();
  }

  /** Background photos. */
  public List<BufferedImage> backgrounds() {
    return backgrounds;
  }

  /** Classes that have pictures and sounds, sorted by name. */
  public List<String> classes() {
    return List.copyOf(sprites.keySet());
  }

  /** Classes that are only heard, never seen, sorted by name. */
  public List<String> offscreenClasses() {
    return List.copyOf(offscreenSounds.keySet());
  }

  /** Cut-outs of {@code cls} (ARGB, trimmed to the opaque part). */
  public List<BufferedImage> sprites(String cls) {
    return sprites.getOrDefault(cls, List.of());
  }

  /**
   * Sounds of {@code cls} (a visible or an off-screen class): mono, {@value #SAMPLE_RATE} Hz, peak
   * 1. Do not modify the arrays.
   */
  public List<float[]> sounds(String cls) {
    List<float[]> s = sounds.get(cls);
    return s != null ? s : offscreenSounds.getOrDefault(cls, List.of());
  }

  @Override
  public String toString() {
    return "SyntheticAssets["
        + backgrounds.size()
        + " backgrounds, classes "
        + sprites.keySet()
        + ", off-screen "
        + offscreenSounds.keySet()
        + "]";
  }

  private interface Bytes {
    byte[] get();
  }

  /** Sorts files into the four kinds by their folder. */
  private static final class Loader {
    private final String where;
    private final List<BufferedImage> backgrounds = new ArrayList<>();
    private final Map<String, List<BufferedImage>> sprites = new TreeMap<>();
    private final Map<String, List<float[]>> sounds = new TreeMap<>();
    private final Map<String, List<float[]>> offscreen = new TreeMap<>();

    Loader(String where) {
      this.where = where;
    }

    void add(String rel, Bytes bytes, Path file) {
      String[] parts = rel.split("/");
      String name = parts[parts.length - 1].toLowerCase(Locale.ROOT);
      if (parts.length == 2 && parts[0].equals("backgrounds") && isImage(name)) {
        backgrounds.add(toRgb(image(rel, bytes.get())));
      } else if (parts.length == 3 && parts[0].equals("objects") && isImage(name)) {
        BufferedImage sprite = trim(image(rel, bytes.get()));
        if (sprite == null) {
          throw new FeedException(
              "synthetic asset " + rel + " in " + where + " is fully transparent");
        }
        sprites.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(sprite);
      } else if (parts.length == 3 && parts[0].equals("sounds") && isAudio(name)) {
        sounds.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(sound(rel, bytes, file));
      } else if (parts.length == 3 && parts[0].equals("offscreen") && isAudio(name)) {
        offscreen.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(sound(rel, bytes, file));
      }
    }

    SyntheticAssets build() {
      return new SyntheticAssets(backgrounds, sprites, sounds, offscreen, where);
    }

    private static boolean isImage(String name) {
      return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    private static boolean isAudio(String name) {
      return name.endsWith(".wav") || name.endsWith(".ogg") || name.endsWith(".oga");
    }

    private BufferedImage image(String rel, byte[] data) {
      try {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(data));
        if (img == null) {
          throw new FeedException("synthetic asset " + rel + " in " + where + " is not an image");
        }
        return img;
      } catch (IOException e) {
        throw new FeedException(
            "synthetic asset " + rel + " in " + where + " does not decode: " + e.getMessage(), e);
      }
    }

    private float[] sound(String rel, Bytes bytes, Path file) {
      AudioClip clip;
      try {
        clip = file != null ? AudioDecoder.read(file) : Pcm16Wav.decode(bytes.get(), rel);
      } catch (AudioDecodeException e) {
        throw new FeedException("synthetic asset " + rel + ": " + e.getMessage(), e);
      }
      float[] s = Resampler.toRate(clip, SAMPLE_RATE).samples();
      float peak = 0;
      for (float v : s) {
        peak = Math.max(peak, Math.abs(v));
      }
      if (peak <= 1e-4f) {
        throw new FeedException("synthetic asset " + rel + " in " + where + " is silent");
      }
      float[] out = new float[s.length];
      for (int i = 0; i < s.length; i++) {
        out[i] = s[i] / peak;
      }
      return out;
    }
  }

  static BufferedImage toRgb(BufferedImage src) {
    BufferedImage out =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = out.createGraphics();
    g.drawImage(src, 0, 0, null);
    g.dispose();
    return out;
  }

  /** The image cropped to the bounding box of its non-transparent pixels, as ARGB; null if none. */
  static BufferedImage trim(BufferedImage src) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    java.awt.Graphics2D g = argb.createGraphics();
    g.setComposite(java.awt.AlphaComposite.Src);
    g.drawImage(src, 0, 0, null);
    g.dispose();
    int x0 = w;
    int y0 = h;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if ((argb.getRGB(x, y) >>> 24) != 0) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    if (x1 < 0) {
      return null;
    }
    BufferedImage out = new BufferedImage(x1 - x0 + 1, y1 - y0 + 1, BufferedImage.TYPE_INT_ARGB);
    java.awt.Graphics2D g2 = out.createGraphics();
    g2.setComposite(java.awt.AlphaComposite.Src);
    g2.drawImage(argb, -x0, -y0, null);
    g2.dispose();
    return out;
  }

  /**
   * Reads the bundled sounds: RIFF/WAVE, PCM 16-bit, any rate and channel count, scaled as {@link
   * AudioDecoder} scales 16-bit PCM ({@code s / 32767}, channels averaged).
   */
  static final class Pcm16Wav {
    private Pcm16Wav() {}

    static AudioClip decode(byte[] b, String name) {
      ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      if (b.length < 12
          || !new String(b, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF")
          || !new String(b, 8, 4, StandardCharsets.ISO_8859_1).equals("WAVE")) {
        throw new FeedException("synthetic asset " + name + " is not a RIFF/WAVE file");
      }
      int pos = 12;
      int channels = 0;
      int rate = 0;
      while (pos + 8 <= b.length) {
        String id = new String(b, pos, 4, StandardCharsets.ISO_8859_1);
        long size = Integer.toUnsignedLong(buf.getInt(pos + 4));
        int body = pos + 8;
        if (id.equals("fmt ")) {
          int tag = buf.getShort(body) & 0xffff;
          channels = buf.getShort(body + 2) & 0xffff;
          rate = buf.getInt(body + 4);
          int bits = buf.getShort(body + 14) & 0xffff;
          if (tag != 1 || bits != 16 || channels == 0) {
            throw new FeedException(
                "synthetic asset "
                    + name
                    + " is not 16-bit PCM WAV (format tag "
                    + tag
                    + ", "
                    + bits
                    + " bits); convert it with: sox IN -r 16000 -c 1 -b 16 OUT.wav");
          }
        } else if (id.equals("data")) {
          if (channels == 0) {
            throw new FeedException("synthetic asset " + name + " has its data before its format");
          }
          int end = (int) Math.min(b.length, body + size);
          int frames = (end - body) / (2 * channels);
          float[] out = new float[frames];
          for (int i = 0; i < frames; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
              sum += buf.getShort(body + 2 * (i * channels + c));
            }
            out[i] = (float) (sum / (channels * 32767.0));
          }
          return new AudioClip(out, rate);
        }
        pos = body + (int) size + (int) (size & 1);
      }
      throw new FeedException("synthetic asset " + name + " has no data chunk");
    }
  }
}
