package io.avloc.training.synth;

import io.avloc.core.audio.AudioClip;
import io.avloc.core.audio.AudioDecodeException;
import io.avloc.core.audio.AudioDecoder;
import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.audio.Resampler;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * The decoded media of one split: trimmed cut-outs, background photos and recordings at 16 kHz.
 * Loaded once, then shared read-only by the threads that generate clips.
 */
final class AssetLibrary {

  /** Sample rate of every recording, the rate of the written clips. */
  static final int SAMPLE_RATE = AudioPreprocessor.SAMPLE_RATE;

  /** Cut-out pixels with at most this alpha count as transparent when trimming. */
  private static final int TRIM_ALPHA = 8;

  /** Smallest side kept in a cut-out's chain of halved copies. */
  private static final int MIN_LEVEL_SIDE = 8;

  /** The command that fills the asset cache, for error messages. */
  static final String FETCH = "training/fetch-benchmark-assets.sh";

  /**
   * A cut-out, trimmed to its visible pixels, with copies halved again and again (premultiplied
   * ARGB) so that strong down-scaling does not alias.
   */
  record Sprite(CatalogEntry entry, List<BufferedImage> levels) {
    int width() {
      return levels.get(0).getWidth();
    }

    int height() {
      return levels.get(0).getHeight();
    }
  }

  /** A background photo (RGB). */
  record Backdrop(CatalogEntry entry, BufferedImage image) {}

  /** A recording, mono, {@value #SAMPLE_RATE} Hz, scaled to peak 1. */
  record Recording(CatalogEntry entry, float[] samples) {}

  private final Split split;
  private final List<String> classes;
  private final Map<String, String> groups;
  private final Map<String, List<Sprite>> sprites;
  private final Map<String, List<Recording>> sounds;
  private final Map<String, List<Recording>> offscreen;
  private final List<Recording> noise;
  private final List<Backdrop> backdrops;

  private AssetLibrary(
      Split split,
      Map<String, String> groups,
      Map<String, List<Sprite>> sprites,
      Map<String, List<Recording>> sounds,
      Map<String, List<Recording>> offscreen,
      List<Recording> noise,
      List<Backdrop> backdrops) {
    this.split = split;
    this.classes = List.copyOf(sprites.keySet());
    this.groups = Collections.unmodifiableMap(groups);
    this.sprites = freeze(sprites);
    this.sounds = freeze(sounds);
    this.offscreen = freeze(offscreen);
    this.noise = List.copyOf(noise);
    this.backdrops = List.copyOf(backdrops);
  }

  private static <T> Map<String, List<T>> freeze(Map<String, List<T>> m) {
    Map<String, List<T>> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The asset root for {@code assets}: its {@code root/} folder when it has one (the cache folder
   * of the fetch script), else {@code assets} itself.
   */
  static Path resolveRoot(Path assets) {
    Path nested = assets.resolve("root");
    return Files.isDirectory(nested) ? nested : assets;
  }

  /**
   * Loads every file that {@code catalog} lists for {@code split} from below {@code root}.
   *
   * @throws AssetException when the root or a file is missing (naming it and the fetch command), or
   *     a file does not decode
   * @throws IllegalArgumentException when the catalog lacks something a clip needs
   */
  static AssetLibrary load(Path root, Catalog catalog, Split split) {
    catalog.requireComplete(split);
    if (!Files.isDirectory(root)) {
      throw new AssetException(
          "benchmark asset folder "
              + root
              + " does not exist. Fetch the assets with: "
              + FETCH
              + " [CACHE_DIR] (default "
              + SynthBenchmark.defaultAssets()
              + "), then pass --assets CACHE_DIR");
    }
    List<CatalogEntry> entries = catalog.entries(split);
    List<CatalogEntry> missing =
        entries.stream().filter(e -> !Files.isRegularFile(root.resolve(e.path()))).toList();
    if (!missing.isEmpty()) {
      CatalogEntry m = missing.get(0);
      throw new AssetException(
          "the benchmark asset cache "
              + root
              + " is incomplete: "
              + missing.size()
              + " of the "
              + entries.size()
              + " files of the "
              + split.label()
              + " split are missing, e.g. "
              + m.path()
              + " (package "
              + m.pkg()
              + "). Run: "
              + FETCH
              + " [CACHE_DIR] and pass --assets CACHE_DIR");
    }
    Map<String, String> groups = new TreeMap<>();
    Map<String, List<Sprite>> sprites = new TreeMap<>();
    Map<String, List<Recording>> sounds = new TreeMap<>();
    Map<String, List<Recording>> offscreen = new TreeMap<>();
    List<Recording> noise = new ArrayList<>();
    List<Backdrop> backdrops = new ArrayList<>();
    for (CatalogEntry e : entries) {
      Path file = root.resolve(e.path());
      switch (e.kind()) {
        case IMAGE -> {
          sprites.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(sprite(e, file));
          groups.put(e.label(), e.group());
        }
        case SOUND ->
            sounds.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(recording(e, file));
        case OFFSCREEN ->
            offscreen.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(recording(e, file));
        case NOISE -> noise.add(recording(e, file));
        case BACKGROUND -> backdrops.add(new Backdrop(e, toRgb(image(e, file))));
      }
    }
    return new AssetLibrary(split, groups, sprites, sounds, offscreen, noise, backdrops);
  }

  Split split() {
    return split;
  }

  /** Classes that can be seen and heard, sorted. */
  List<String> classes() {
    return classes;
  }

  /** The super-category of a class (for hard-negative distractors). */
  String group(String cls) {
    return groups.get(cls);
  }

  List<Sprite> sprites(String cls) {
    return sprites.get(cls);
  }

  List<Recording> sounds(String cls) {
    return sounds.get(cls);
  }

  /** Off-screen sources by name, sorted. */
  Map<String, List<Recording>> offscreen() {
    return offscreen;
  }

  List<Recording> noise() {
    return noise;
  }

  List<Backdrop> backdrops() {
    return backdrops;
  }

  private static BufferedImage image(CatalogEntry e, Path file) {
    try {
      BufferedImage img = ImageIO.read(file.toFile());
      if (img == null) {
        throw new AssetException(
            "benchmark asset " + file + " (package " + e.pkg() + ") is not a PNG, GIF or JPEG");
      }
      return img;
    } catch (IOException ex) {
      throw new AssetException(
          "benchmark asset " + file + " (package " + e.pkg() + ") does not decode: " + ex, ex);
    }
  }

  private static Sprite sprite(CatalogEntry e, Path file) {
    BufferedImage src = image(e, file);
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB_PRE);
    Graphics2D g = argb.createGraphics();
    g.setComposite(java.awt.AlphaComposite.Src);
    g.drawImage(src, 0, 0, null);
    g.dispose();
    int[] px = pixels(argb);
    int x0 = w;
    int y0 = h;
    int x1 = -1;
    int y1 = -1;
    boolean transparent = false;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int a = px[y * w + x] >>> 24;
        if (a > TRIM_ALPHA) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
        transparent |= a < 255;
      }
    }
    if (x1 < 0) {
      throw new AssetException(
          "benchmark asset " + file + " (package " + e.pkg() + ") is fully transparent");
    }
    if (!transparent) {
      throw new AssetException(
          "benchmark asset "
              + file
              + " (package "
              + e.pkg()
              + ") has no transparent pixels, so it is not a cut-out; list it as a background or"
              + " remove it from the catalog");
    }
    int tw = x1 - x0 + 1;
    int th = y1 - y0 + 1;
    BufferedImage trimmed = new BufferedImage(tw, th, BufferedImage.TYPE_INT_ARGB_PRE);
    int[] out = pixels(trimmed);
    for (int y = 0; y < th; y++) {
      int row = (y + y0) * w + x0;
      for (int x = 0; x < tw; x++) {
        int p = px[row + x];
        out[y * tw + x] = (p >>> 24) > TRIM_ALPHA ? p : 0;
      }
    }
    List<BufferedImage> levels = new ArrayList<>();
    levels.add(trimmed);
    BufferedImage level = trimmed;
    while (level.getWidth() / 2 >= MIN_LEVEL_SIDE && level.getHeight() / 2 >= MIN_LEVEL_SIDE) {
      level = halve(level);
      levels.add(level);
    }
    return new Sprite(e, levels);
  }

  /** Averages 2×2 blocks of premultiplied pixels (an odd last row/column is dropped). */
  static BufferedImage halve(BufferedImage src) {
    int w = src.getWidth() / 2;
    int h = src.getHeight() / 2;
    int sw = src.getWidth();
    int[] in = pixels(src);
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB_PRE);
    int[] out = pixels(dst);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = 2 * y * sw + 2 * x;
        int p = in[i];
        int q = in[i + 1];
        int r = in[i + sw];
        int s = in[i + sw + 1];
        int v = 0;
        for (int shift = 0; shift < 32; shift += 8) {
          int sum =
              ((p >>> shift) & 0xff)
                  + ((q >>> shift) & 0xff)
                  + ((r >>> shift) & 0xff)
                  + ((s >>> shift) & 0xff);
          v |= ((sum + 2) >> 2) << shift;
        }
        out[y * w + x] = v;
      }
    }
    return dst;
  }

  private static Recording recording(CatalogEntry e, Path file) {
    AudioClip clip;
    try {
      clip = AudioDecoder.read(file);
    } catch (AudioDecodeException ex) {
      throw new AssetException(
          "benchmark asset " + file + " (package " + e.pkg() + "): " + ex.getMessage(), ex);
    }
    float[] s = Resampler.toRate(clip, SAMPLE_RATE).samples();
    float peak = 0;
    for (float v : s) {
      peak = Math.max(peak, Math.abs(v));
    }
    if (peak < 1e-3f) {
      throw new AssetException(
          "benchmark asset " + file + " (package " + e.pkg() + ") is silent; remove it");
    }
    float[] out = new float[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[i] / peak;
    }
    return new Recording(e, out);
  }

  private static BufferedImage toRgb(BufferedImage src) {
    BufferedImage out =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(src, 0, 0, null);
    g.dispose();
    return out;
  }

  static int[] pixels(BufferedImage img) {
    return ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
  }
}
