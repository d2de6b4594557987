package io.avloc.feed;

import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.GroundTruthLabel;
import io.avloc.core.metrics.NormalizedBox;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What one synthetic camera sees and hears, as a pure function of the seed, the camera index and
 * the media time: the same arguments always give the same pixels and samples.
 *
 * <h2>Picture</h2>
 *
 * A background photo (scaled to cover the frame, randomly cropped and mirrored) with 1 to 3
 * cut-outs of different classes, each 4 to 14 % of the frame area, moving in straight lines at 8 to
 * 25 % of the frame width per second and bouncing off the frame edges, so every object stays fully
 * inside the frame. Objects are drawn in a fixed depth order and may occlude each other. Cut-out
 * edges are hard (alpha thresholded at 50 %) so that the ground-truth box is exact.
 *
 * <h2>Sound</h2>
 *
 * Time is cut into segments of {@link SyntheticSettings#segmentMs()}. In each segment, with
 * probability {@link SyntheticSettings#offscreenShare()}, the sound comes from off-screen: a class
 * that is not in view (an unseen picture class or a sound-only class such as a helicopter);
 * otherwise one of the objects in view sounds. The segment plays one recorded clip of that class in
 * a loop with a random gain and a random pause between repetitions, fades in and out over 10 ms at
 * the segment edges, and has white noise of {@link SyntheticSettings#noiseLevel()} mixed in. Mono,
 * 16 kHz.
 *
 * <h2>Ground truth</h2>
 *
 * The sounding object's <em>visible</em> pixels after occlusion, as a box ({@link
 * GroundTruthHeaders#pixelBox}); an off-screen segment has no box.
 *
 * <p>Not thread-safe (it caches the current segment); use one scene per thread.
 */
public final class SyntheticScene {

  private static final int FADE_SAMPLES = SyntheticAssets.SAMPLE_RATE / 100;

  private final SyntheticAssets assets;
  private final SyntheticSettings settings;
  private final long seed;
  private final int camera;
  private final int width;
  private final int height;
  private final int[] background;
  private final List<Sprite> objects;
  private final long segmentSamples;
  private Segment cached;

  /**
   * @param assets pictures and sounds
   * @param settings size, off-screen share, segment length, noise
   * @param seed the scenario seed
   * @param camera index of the camera (scenes of different cameras differ)
   */
  public SyntheticScene(SyntheticAssets assets, SyntheticSettings settings, long seed, int camera) {
    this.assets = Objects.requireNonNull(assets, "assets");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.seed = seed;
    this.camera = camera;
    this.width = settings.width();
    this.height = settings.height();
    this.segmentSamples = (long) settings.segmentMs() * SyntheticAssets.SAMPLE_RATE / 1000;
    SplittableRandom rng = new SplittableRandom(mix(seed, camera, -1));
    this.background = background(rng);
    List<String> classes = new ArrayList<>(assets.classes());
    int k = Math.min(classes.size(), 1 + rng.nextInt(3));
    List<Sprite> sprites = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      String cls = classes.remove(rng.nextInt(classes.size()));
      List<BufferedImage> options = assets.sprites(cls);
      sprites.add(sprite(cls, options.get(rng.nextInt(options.size())), rng));
    }
    this.objects = List.copyOf(sprites);
  }

  /** Frame width in pixels. */
  public int width() {
    return width;
  }

  /** Frame height in pixels. */
  public int height() {
    return height;
  }

  /** Classes of the objects in view, in depth order (the last is drawn on top). */
  public List<String> objectClasses() {
    return objects.stream().map(s -> s.cls).toList();
  }

  /** The segment that contains media time {@code mediaUs}. */
  public Segment segmentAt(long mediaUs) {
    return segment(Math.floorDiv(mediaUs, settings.segmentMs() * 1000L));
  }

  /**
   * Which object sounds in segment {@code index}.
   *
   * @param index segment number (media time / segment length)
   * @param soundClass the class that is heard
   * @param sounding index of the sounding object in {@link #objectClasses()}, or -1 when the sound
   *     is off-screen
   * @param clip what is heard
   */
  public record Segment(long index, String soundClass, int sounding, Clip clip) {
    public boolean offscreen() {
      return sounding < 0;
    }
  }

  /**
   * A recorded clip played in a loop: {@code gain × samples}, then {@code gap} samples of silence,
   * starting {@code phase} samples into that period at the segment's start.
   */
  public record Clip(float[] samples, float gain, int gap, int phase) {}

  /** Segment number {@code index}. */
  public Segment segment(long index) {
    Segment s = cached;
    if (s != null && s.index == index) {
      return s;
    }
    SplittableRandom rng = new SplittableRandom(mix(seed, camera, index));
    boolean offscreen = rng.nextDouble() < settings.offscreenShare();
    String cls;
    int sounding;
    List<String> unseen = new ArrayList<>(assets.classes());
    unseen.removeAll(objectClasses());
    unseen.addAll(assets.offscreenClasses());
    if (offscreen && !unseen.isEmpty()) {
      cls = unseen.get(rng.nextInt(unseen.size()));
      sounding = -1;
    } else {
      sounding = rng.nextInt(objects.size());
      cls = objects.get(sounding).cls;
    }
    List<float[]> clips = assets.sounds(cls);
    float[] samples = clips.get(rng.nextInt(clips.size()));
    float gain = (float) (0.45 + 0.4 * rng.nextDouble());
    int gap = (int) (SyntheticAssets.SAMPLE_RATE * (0.15 + 0.75 * rng.nextDouble()));
    int phase = rng.nextInt(samples.length + gap);
    s = new Segment(index, cls, sounding, new Clip(samples, gain, gap, phase));
    cached = s;
    return s;
  }

  /** A rendered frame and its ground truth. */
  public record Picture(BufferedImage image, GroundTruthLabel truth) {}

  /** Renders the frame at media time {@code mediaUs} (µs since the camera started). */
  public Picture render(long mediaUs) {
    Segment seg = segmentAt(mediaUs);
    int[] ids = new int[width * height];
    BufferedImage img = render(mediaUs, -1, ids);
    GroundTruthLabel truth;
    if (seg.offscreen()) {
      truth = GroundTruthLabel.offscreen(seg.soundClass());
    } else {
      NormalizedBox box = visibleBox(ids, seg.sounding());
      truth =
          box == null
              ? GroundTruthLabel.offscreen(seg.soundClass())
              : GroundTruthLabel.onscreen(seg.soundClass(), List.of(box));
    }
    return new Picture(img, truth);
  }

  /**
   * Renders the frame with object {@code omit} left out (-1: none); {@code ids}, when given,
   * receives the index of the object seen at each pixel (-1 for the background).
   */
  BufferedImage render(long mediaUs, int omit, int[] ids) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
    System.arraycopy(background, 0, px, 0, px.length);
    if (ids != null) {
      Arrays.fill(ids, -1);
    }
    double t = mediaUs / 1e6;
    for (int i = 0; i < objects.size(); i++) {
      if (i == omit) {
        continue;
      }
      Sprite s = objects.get(i);
      int ox = s.x(t, width);
      int oy = s.y(t, height);
      for (int y = 0; y < s.h; y++) {
        int fy = oy + y;
        if (fy < 0 || fy >= height) {
          continue;
        }
        for (int x = 0; x < s.w; x++) {
          int fx = ox + x;
          int argb = s.argb[y * s.w + x];
          if (fx < 0 || fx >= width || (argb >>> 24) == 0) {
            continue;
          }
          px[fy * width + fx] = argb & 0xffffff;
          if (ids != null) {
            ids[fy * width + fx] = i;
          }
        }
      }
    }
    return img;
  }

  /** Top-left corner of object {@code i} at media time {@code mediaUs}, in pixels. */
  int[] position(int i, long mediaUs) {
    Sprite s = objects.get(i);
    double t = mediaUs / 1e6;
    return new int[] {s.x(t, width), s.y(t, height)};
  }

  private NormalizedBox visibleBox(int[] ids, int object) {
    int x0 = width;
    int y0 = height;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < height; y++) {
      int row = y * width;
      for (int x = 0; x < width; x++) {
        if (ids[row + x] == object) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
    }
    return x1 < 0 ? null : GroundTruthHeaders.pixelBox(x0, y0, x1, y1, width, height);
  }

  /** Mono samples {@code [first, first + count)} at 16 kHz, in [-1, 1]. */
  public float[] samples(long first, int count) {
    float[] out = new float[count];
    float noise = (float) settings.noiseLevel();
    Segment seg = null;
    for (int i = 0; i < count; i++) {
      long n = first + i;
      long segIndex = Math.floorDiv(n, segmentSamples);
      if (seg == null || seg.index != segIndex) {
        seg = segment(segIndex);
      }
      long local = n - segIndex * segmentSamples;
      Clip c = seg.clip;
      int period = c.samples.length + c.gap;
      int o = (int) ((local + c.phase) % period);
      float v = o < c.samples.length ? c.samples[o] * c.gain : 0f;
      long edge = Math.min(local, segmentSamples - 1 - local);
      if (edge < FADE_SAMPLES) {
        v *= (edge + 0.5f) / FADE_SAMPLES;
      }
      v += noise * noise(n);
      out[i] = Math.max(-1f, Math.min(1f, v));
    }
    return out;
  }

  /** Uniform noise in [-1, 1) as a pure function of the sample index. */
  private float noise(long n) {
    long h = mix(seed ^ 0x6e6f697365L, camera, n);
    return ((h >>> 40) / (float) (1L << 24)) * 2f - 1f;
  }

  private int[] background(SplittableRandom rng) {
    List<BufferedImage> bgs = assets.backgrounds();
    BufferedImage src = bgs.get(rng.nextInt(bgs.size()));
    double scale = Math.max((double) width / src.getWidth(), (double) height / src.getHeight());
    int sw = (int) Math.ceil(src.getWidth() * scale);
    int sh = (int) Math.ceil(src.getHeight() * scale);
    int dx = -rng.nextInt(sw - width + 1);
    int dy = -rng.nextInt(sh - height + 1);
    boolean flip = rng.nextBoolean();
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    if (flip) {
      g.drawImage(src, width - dx, dy, -sw, sh, null);
    } else {
      g.drawImage(src, dx, dy, sw, sh, null);
    }
    g.dispose();
    return ((DataBufferInt) out.getRaster().getDataBuffer()).getData().clone();
  }

  private Sprite sprite(String cls, BufferedImage src, SplittableRandom rng) {
    double area = (0.04 + 0.10 * rng.nextDouble()) * width * height;
    double scale = Math.sqrt(area / ((double) src.getWidth() * src.getHeight()));
    scale = Math.min(scale, 0.55 * width / src.getWidth());
    scale = Math.min(scale, 0.7 * height / src.getHeight());
    int w = Math.max(8, (int) Math.round(src.getWidth() * scale));
    int h = Math.max(8, (int) Math.round(src.getHeight() * scale));
    boolean flip = rng.nextBoolean();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    if (flip) {
      g.drawImage(src, w, 0, -w, h, null);
    } else {
      g.drawImage(src, 0, 0, w, h, null);
    }
    g.dispose();
    int[] argb = ((DataBufferInt) img.getRaster().getDataBuffer()).getData().clone();
    for (int i = 0; i < argb.length; i++) {
      argb[i] = (argb[i] >>> 24) >= 128 ? argb[i] | 0xff000000 : 0;
    }
    double speed = (0.08 + 0.17 * rng.nextDouble()) * width;
    double angle = rng.nextDouble() * 2 * Math.PI;
    return new Sprite(
        cls,
        w,
        h,
        argb,
        rng.nextDouble() * Math.max(0, width - w),
        rng.nextDouble() * Math.max(0, height - h),
        speed * Math.cos(angle),
        speed * Math.sin(angle));
  }

  /** A cut-out with its motion: position {@code p0 + v t}, reflected at the frame edges. */
  private record Sprite(
      String cls, int w, int h, int[] argb, double x0, double y0, double vx, double vy) {

    int x(double t, int frameWidth) {
      return (int) Math.round(bounce(x0 + vx * t, frameWidth - w));
    }

    int y(double t, int frameHeight) {
      return (int) Math.round(bounce(y0 + vy * t, frameHeight - h));
    }

    /** A triangle wave between 0 and {@code range}. */
    static double bounce(double p, double range) {
      if (range <= 0) {
        return 0;
      }
      double u = p % (2 * range);
      if (u < 0) {
        u += 2 * range;
      }
      return u <= range ? u : 2 * range - u;
    }
  }

  /** SplitMix64-style hash of three values. */
  static long mix(long a, long b, long c) {
    long h = a * 0x9E3779B97F4A7C15L;
    h = splitmix(h ^ b);
    h = splitmix(h ^ (c * 0xC2B2AE3D27D4EB4FL));
    return h;
  }

  private static long splitmix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
