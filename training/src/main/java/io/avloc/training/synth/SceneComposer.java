package io.avloc.training.synth;

import io.avloc.training.synth.AssetLibrary.Backdrop;
import io.avloc.training.synth.AssetLibrary.Sprite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Composes one picture: a background photo with cut-outs pasted on it, and the visible box of each
 * cut-out.
 *
 * <h2>Picture</h2>
 *
 * The canvas is {@value #SIZE}×{@value #SIZE} (the test-time crop of the papers is 224 out of 256,
 * and k/256 is exact in binary, so normalized boxes carry no rounding). The background is a random
 * square crop (zoom 1 to 1.35) of a photo, mirrored half of the time, with brightness, contrast and
 * saturation jitter of ±15 %. Each object is scaled so that its box covers an area drawn from the
 * VGG-SS prior ({@link #sampleArea}), centred at a point drawn from the VGG-SS centre prior ({@link
 * #sampleCentre}), mirrored half of the time, rotated by up to ±{@value #MAX_ROTATION_DEG}°, made
 * 20 % darker to 20 % brighter, its edge softened by a one-pixel blur, and it casts a soft shadow.
 * At most {@value #MAX_TRUNCATION} of an object may fall outside the canvas. Objects are painted in
 * a random depth order.
 *
 * <h2>Ground truth</h2>
 *
 * An object owns the canvas pixels where its alpha is at least one half and no object in front of
 * it owns them. Its box is the tight box of the pixels it owns: the <em>visible</em> part after
 * occlusion and truncation. A layout in which a sounding object keeps less than {@value
 * #MIN_VISIBLE} of its pixels is drawn again (after {@value #ATTEMPTS_BEFORE_ON_TOP} tries the
 * sounding objects are put in front, after {@value #ATTEMPTS_BEFORE_SHRINK} every object is made
 * smaller).
 *
 * <p>Stateless; every random choice comes from the generator passed in.
 */
final class SceneComposer {

  /** Width and height of the canvas, in pixels. */
  static final int SIZE = 256;

  /** Deciles 10/30/50/70/90 % of the box area fraction of VGG-SS (DATA.md §3). */
  private static final double[] AREA_QUANTILE_AT = {0.1, 0.3, 0.5, 0.7, 0.9};

  private static final double[] AREA_QUANTILE = {0.035, 0.104, 0.205, 0.356, 0.638};

  static final double MIN_AREA = 0.035;
  static final double MAX_AREA = 0.64;

  /** z of the 90th percentile of a standard normal, to turn the 10–90 % ranges into a sigma. */
  private static final double Z90 = 1.2815515655446004;

  private static final double CENTRE_X_MEAN = (0.30 + 0.69) / 2;
  private static final double CENTRE_X_SIGMA = (0.69 - 0.30) / (2 * Z90);
  private static final double CENTRE_Y_MEAN = (0.30 + 0.71) / 2;
  private static final double CENTRE_Y_SIGMA = (0.71 - 0.30) / (2 * Z90);

  static final double MAX_TRUNCATION = 0.2;
  static final double MIN_VISIBLE = 0.25;
  static final double MAX_ROTATION_DEG = 15;
  static final int ATTEMPTS_BEFORE_ON_TOP = 30;
  static final int ATTEMPTS_BEFORE_SHRINK = 60;
  private static final int MAX_ATTEMPTS = 200;
  private static final int PLACEMENT_TRIES = 20;

  /** Alpha from which a pixel belongs to an object (one half). */
  private static final int OWN_ALPHA = 128;

  /** Transparent border around a rendered object, room for the edge blur. */
  private static final int PAD = 2;

  private SceneComposer() {}

  /** An object to place: which cut-out, and whether it is heard. */
  record Part(String cls, Sprite sprite, boolean sounding) {}

  /**
   * Where an object ended up.
   *
   * @param box the visible tight box in pixels, inclusive {@code [x0, y0, x1, y1]}, or null when
   *     nothing of it is visible
   * @param depth 0 for the object painted first (furthest back)
   * @param areaFraction the area of its (rotated) box as a fraction of the canvas, before
   *     truncation and occlusion
   * @param visibleFraction the share of its pixels that are visible
   */
  record Placed(
      Part part,
      int[] box,
      int depth,
      double areaFraction,
      double visibleFraction,
      double rotationDeg,
      boolean mirrored,
      double brightness) {}

  /** The background: which photo and how it was cut and changed. */
  record Ground(
      Backdrop backdrop,
      int[] crop,
      boolean mirrored,
      double brightness,
      double contrast,
      double saturation) {}

  /** A composed picture with its objects in the order of the parts given. */
  record Scene(BufferedImage image, Ground ground, List<Placed> objects) {}

  /** Composes a scene with the given parts on a random background of {@code backdrops}. */
  static Scene compose(List<Backdrop> backdrops, List<Part> parts, SplittableRandom rng) {
    int[] canvas = new int[SIZE * SIZE];
    Ground ground = background(backdrops.get(rng.nextInt(backdrops.size())), canvas, rng);
    int n = parts.size();
    double shrink = 1;
    Layer[] layers = render(parts, shrink, rng);
    for (int attempt = 0; ; attempt++) {
      if (attempt == ATTEMPTS_BEFORE_SHRINK) {
        shrink = 0.6;
        layers = render(parts, shrink, rng);
      }
      if (attempt == MAX_ATTEMPTS) {
        throw new IllegalStateException(
            "could not lay out "
                + n
                + " objects so that every sounding one stays visible after "
                + MAX_ATTEMPTS
                + " tries");
      }
      for (Layer l : layers) {
        place(l, rng);
      }
      int[] order = depthOrder(parts, rng, attempt >= ATTEMPTS_BEFORE_ON_TOP);
      int[] owner = owners(layers, order);
      int[] visible = new int[n];
      for (int o : owner) {
        if (o >= 0) {
          visible[o]++;
        }
      }
      boolean ok = true;
      for (int i = 0; i < n; i++) {
        if (parts.get(i).sounding() && visible[i] < MIN_VISIBLE * layers[i].ownCount) {
          ok = false;
        }
      }
      if (!ok) {
        continue;
      }
      paint(canvas, layers, order);
      int[][] boxes = boxes(owner, n);
      int[] depth = new int[n];
      for (int d = 0; d < n; d++) {
        depth[order[d]] = d;
      }
      List<Placed> placed = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Layer l = layers[i];
        placed.add(
            new Placed(
                parts.get(i),
                boxes[i],
                depth[i],
                l.boxArea / ((double) SIZE * SIZE),
                (double) visible[i] / l.ownCount,
                l.rotationDeg,
                l.mirrored,
                l.brightness));
      }
      BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
      System.arraycopy(canvas, 0, AssetLibrary.pixels(image), 0, canvas.length);
      return new Scene(image, ground, placed);
    }
  }

  /**
   * An area fraction from the VGG-SS prior: the inverse of the piecewise-linear distribution
   * function through the deciles (extended linearly beyond them), clamped to [{@value #MIN_AREA},
   * {@value #MAX_AREA}].
   */
  static double sampleArea(SplittableRandom rng) {
    double u = rng.nextDouble();
    int seg = 0;
    while (seg < AREA_QUANTILE_AT.length - 2 && u > AREA_QUANTILE_AT[seg + 1]) {
      seg++;
    }
    double t = (u - AREA_QUANTILE_AT[seg]) / (AREA_QUANTILE_AT[seg + 1] - AREA_QUANTILE_AT[seg]);
    double v = AREA_QUANTILE[seg] + t * (AREA_QUANTILE[seg + 1] - AREA_QUANTILE[seg]);
    return Math.min(MAX_AREA, Math.max(MIN_AREA, v));
  }

  /**
   * An object centre (fractions of width and height) from normal distributions whose 10 and 90 %
   * quantiles are those of VGG-SS: x 0.30–0.69, y 0.30–0.71.
   */
  static double[] sampleCentre(SplittableRandom rng) {
    return new double[] {
      CENTRE_X_MEAN + CENTRE_X_SIGMA * gaussian(rng), CENTRE_Y_MEAN + CENTRE_Y_SIGMA * gaussian(rng)
    };
  }

  /** A standard normal value (Box–Muller with StrictMath, so that it is the same everywhere). */
  static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble(); // (0, 1]
    double v = rng.nextDouble();
    return StrictMath.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * StrictMath.PI * v);
  }

  private static Ground background(Backdrop b, int[] canvas, SplittableRandom rng) {
    BufferedImage src = b.image();
    double zoom = 1 + 0.35 * rng.nextDouble();
    int side = (int) Math.max(1, Math.floor(Math.min(src.getWidth(), src.getHeight()) / zoom));
    int x0 = rng.nextInt(src.getWidth() - side + 1);
    int y0 = rng.nextInt(src.getHeight() - side + 1);
    boolean mirrored = rng.nextBoolean();
    double brightness = 0.85 + 0.3 * rng.nextDouble();
    double contrast = 0.85 + 0.3 * rng.nextDouble();
    double saturation = 0.85 + 0.3 * rng.nextDouble();
    BufferedImage out = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    int dx1 = mirrored ? SIZE : 0;
    int dx2 = mirrored ? 0 : SIZE;
    g.drawImage(src, dx1, 0, dx2, SIZE, x0, y0, x0 + side, y0 + side, null);
    g.dispose();
    int[] px = AssetLibrary.pixels(out);
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      double r = (p >> 16) & 0xff;
      double gr = (p >> 8) & 0xff;
      double bl = p & 0xff;
      double grey = 0.299 * r + 0.587 * gr + 0.114 * bl;
      canvas[i] =
          (jitter(r, grey, saturation, contrast, brightness) << 16)
              | (jitter(gr, grey, saturation, contrast, brightness) << 8)
              | jitter(bl, grey, saturation, contrast, brightness);
    }
    return new Ground(
        b, new int[] {x0, y0, side, side}, mirrored, brightness, contrast, saturation);
  }

  private static int jitter(double v, double grey, double sat, double con, double bri) {
    double s = grey + (v - grey) * sat;
    double c = 128 + (s - 128) * con;
    return clamp255(c * bri);
  }

  private static int clamp255(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** A rendered object: premultiplied pixels, the pixels it owns, its shadow and position. */
  private static final class Layer {
    int w;
    int h;
    int[] px;
    boolean[] own;
    int ownCount;
    double boxArea;
    double rotationDeg;
    boolean mirrored;
    double brightness;
    float[] shadow;
    int shadowPad;
    int shadowDx;
    int shadowDy;
    int x;
    int y;
  }

  private static Layer[] render(List<Part> parts, double shrink, SplittableRandom rng) {
    Layer[] layers = new Layer[parts.size()];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = render(parts.get(i).sprite(), shrink, rng);
    }
    return layers;
  }

  private static Layer render(Sprite sprite, double shrink, SplittableRandom rng) {
    Layer l = new Layer();
    double area = sampleArea(rng) * shrink;
    l.rotationDeg = (2 * rng.nextDouble() - 1) * MAX_ROTATION_DEG;
    l.mirrored = rng.nextBoolean();
    l.brightness = 0.8 + 0.4 * rng.nextDouble();
    double angle = StrictMath.toRadians(l.rotationDeg);
    double cos = StrictMath.cos(angle);
    double sin = StrictMath.sin(angle);
    double w0 = sprite.width();
    double h0 = sprite.height();
    double bw = w0 * Math.abs(cos) + h0 * Math.abs(sin); // rotated box per unit scale
    double bh = w0 * Math.abs(sin) + h0 * Math.abs(cos);
    double scale = Math.sqrt(area * SIZE * SIZE / (bw * bh));
    scale = Math.min(scale, Math.min(SIZE / bw, SIZE / bh));
    l.boxArea = scale * bw * scale * bh;

    // The halved copy closest above the target size, so bicubic never shrinks by more than 2.
    int level = 0;
    while (level + 1 < sprite.levels().size() && scale * (1 << (level + 1)) <= 1) {
      level++;
    }
    BufferedImage src = sprite.levels().get(level);
    double sx = scale * w0 / src.getWidth();
    double sy = scale * h0 / src.getHeight();
    l.w = (int) Math.ceil(scale * bw) + 2 * PAD;
    l.h = (int) Math.ceil(scale * bh) + 2 * PAD;
    double fx = l.mirrored ? -sx : sx;
    // M = translate(centre) * rotate * scale(fx, sy) * translate(-src centre)
    double m00 = cos * fx;
    double m01 = -sin * sy;
    double m10 = sin * fx;
    double m11 = cos * sy;
    double cx = src.getWidth() / 2.0;
    double cy = src.getHeight() / 2.0;
    double m02 = l.w / 2.0 - (m00 * cx + m01 * cy);
    double m12 = l.h / 2.0 - (m10 * cx + m11 * cy);
    BufferedImage out = new BufferedImage(l.w, l.h, BufferedImage.TYPE_INT_ARGB_PRE);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(src, new AffineTransform(m00, m10, m01, m11, m02, m12), null);
    g.dispose();
    int[] px = AssetLibrary.pixels(out).clone();
    brighten(px, l.brightness);
    l.px = softenEdge(px, l.w, l.h);
    l.own = new boolean[l.w * l.h];
    for (int i = 0; i < l.px.length; i++) {
      if ((l.px[i] >>> 24) >= OWN_ALPHA) {
        l.own[i] = true;
        l.ownCount++;
      }
    }
    if (l.ownCount == 0) {
      // a sliver too thin to keep any half-opaque pixel: make its most opaque pixel count
      int best = 0;
      for (int i = 1; i < l.px.length; i++) {
        if ((l.px[i] >>> 24) > (l.px[best] >>> 24)) {
          best = i;
        }
      }
      l.own[best] = true;
      l.ownCount = 1;
    }
    int radius = 2 + rng.nextInt(4);
    double opacity = 0.25 + 0.25 * rng.nextDouble();
    l.shadowDx = (int) Math.round(radius * (rng.nextDouble() * 1.5 - 0.5));
    l.shadowDy = (int) Math.round(radius * (0.5 + rng.nextDouble()));
    l.shadowPad = 2 * radius;
    l.shadow = shadow(l.px, l.w, l.h, radius, opacity, l.shadowPad);
    return l;
  }

  private static void brighten(int[] px, double factor) {
    for (int i = 0; i < px.length; i++) {
      int p = px[i];
      int a = p >>> 24;
      if (a == 0) {
        continue;
      }
      int r = (int) Math.min(a, Math.round(((p >> 16) & 0xff) * factor));
      int g = (int) Math.min(a, Math.round(((p >> 8) & 0xff) * factor));
      int b = (int) Math.min(a, Math.round((p & 0xff) * factor));
      px[i] = (a << 24) | (r << 16) | (g << 8) | b;
    }
  }

  /**
   * Replaces the pixels on the object's edge (those whose 3×3 neighbourhood is neither fully opaque
   * nor fully transparent) by a 1-2-1 binomial blur, leaving the inside sharp.
   */
  private static int[] softenEdge(int[] px, int w, int h) {
    int[] out = px.clone();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int minA = 255;
        int maxA = 0;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int a = alphaAt(px, w, h, x + dx, y + dy);
            minA = Math.min(minA, a);
            maxA = Math.max(maxA, a);
          }
        }
        if (maxA == 0 || minA == 255) {
          continue;
        }
        int v = 0;
        for (int shift = 0; shift < 32; shift += 8) {
          int sum = 0;
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              int xx = x + dx;
              int yy = y + dy;
              if (xx >= 0 && yy >= 0 && xx < w && yy < h) {
                int weight = (2 - Math.abs(dx)) * (2 - Math.abs(dy));
                sum += weight * ((px[yy * w + xx] >>> shift) & 0xff);
              }
            }
          }
          v |= ((sum + 8) >> 4) << shift;
        }
        out[y * w + x] = v;
      }
    }
    return out;
  }

  private static int alphaAt(int[] px, int w, int h, int x, int y) {
    return x < 0 || y < 0 || x >= w || y >= h ? 0 : px[y * w + x] >>> 24;
  }

  /** The object's alpha blurred twice by a box of {@code radius}, times {@code opacity}. */
  private static float[] shadow(int[] px, int w, int h, int radius, double opacity, int pad) {
    int sw = w + 2 * pad;
    int sh = h + 2 * pad;
    float[] a = new float[sw * sh];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        a[(y + pad) * sw + x + pad] = (float) ((px[y * w + x] >>> 24) / 255.0 * opacity);
      }
    }
    for (int pass = 0; pass < 2; pass++) {
      a = boxBlur(a, sw, sh, radius, true);
      a = boxBlur(a, sw, sh, radius, false);
    }
    return a;
  }

  private static float[] boxBlur(float[] in, int w, int h, int r, boolean horizontal) {
    float[] out = new float[in.length];
    float norm = 1f / (2 * r + 1);
    int lines = horizontal ? h : w;
    int len = horizontal ? w : h;
    for (int line = 0; line < lines; line++) {
      for (int i = 0; i < len; i++) {
        float sum = 0;
        for (int k = Math.max(0, i - r); k <= Math.min(len - 1, i + r); k++) {
          sum += horizontal ? in[line * w + k] : in[k * w + line];
        }
        if (horizontal) {
          out[line * w + i] = sum * norm;
        } else {
          out[i * w + line] = sum * norm;
        }
      }
    }
    return out;
  }

  /** Picks a position whose truncation is at most {@link #MAX_TRUNCATION}. */
  private static void place(Layer l, SplittableRandom rng) {
    for (int t = 0; t < PLACEMENT_TRIES; t++) {
      double[] c = sampleCentre(rng);
      l.x = (int) Math.round(c[0] * SIZE - l.w / 2.0);
      l.y = (int) Math.round(c[1] * SIZE - l.h / 2.0);
      if (outside(l) <= MAX_TRUNCATION * l.ownCount) {
        return;
      }
    }
    // fall back to the nearest position inside the canvas (centred if it is too big)
    l.x = l.w <= SIZE ? Math.max(0, Math.min(SIZE - l.w, l.x)) : (SIZE - l.w) / 2;
    l.y = l.h <= SIZE ? Math.max(0, Math.min(SIZE - l.h, l.y)) : (SIZE - l.h) / 2;
  }

  private static int outside(Layer l) {
    int count = 0;
    for (int y = 0; y < l.h; y++) {
      int cy = l.y + y;
      for (int x = 0; x < l.w; x++) {
        int cx = l.x + x;
        if (l.own[y * l.w + x] && (cx < 0 || cy < 0 || cx >= SIZE || cy >= SIZE)) {
          count++;
        }
      }
    }
    return count;
  }

  /** A random painting order (back to front); sounding objects last when {@code soundingOnTop}. */
  private static int[] depthOrder(List<Part> parts, SplittableRandom rng, boolean soundingOnTop) {
    int n = parts.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    if (soundingOnTop) {
      int[] sorted = new int[n];
      int k = 0;
      for (int pass = 0; pass < 2; pass++) {
        for (int o : order) {
          if (parts.get(o).sounding() == (pass == 1)) {
            sorted[k++] = o;
          }
        }
      }
      order = sorted;
    }
    return order;
  }

  private static int[] owners(Layer[] layers, int[] order) {
    int[] owner = new int[SIZE * SIZE];
    Arrays.fill(owner, -1);
    for (int o : order) {
      Layer l = layers[o];
      for (int y = 0; y < l.h; y++) {
        int cy = l.y + y;
        if (cy < 0 || cy >= SIZE) {
          continue;
        }
        for (int x = 0; x < l.w; x++) {
          int cx = l.x + x;
          if (cx >= 0 && cx < SIZE && l.own[y * l.w + x]) {
            owner[cy * SIZE + cx] = o;
          }
        }
      }
    }
    return owner;
  }

  private static void paint(int[] canvas, Layer[] layers, int[] order) {
    for (int o : order) {
      Layer l = layers[o];
      int sw = l.w + 2 * l.shadowPad;
      int sh = l.h + 2 * l.shadowPad;
      int sx0 = l.x - l.shadowPad + l.shadowDx;
      int sy0 = l.y - l.shadowPad + l.shadowDy;
      for (int y = 0; y < sh; y++) {
        int cy = sy0 + y;
        if (cy < 0 || cy >= SIZE) {
          continue;
        }
        for (int x = 0; x < sw; x++) {
          int cx = sx0 + x;
          float s = l.shadow[y * sw + x];
          if (cx >= 0 && cx < SIZE && s > 0) {
            int i = cy * SIZE + cx;
            int p = canvas[i];
            float keep = 1 - s;
            canvas[i] =
                (Math.round(((p >> 16) & 0xff) * keep) << 16)
                    | (Math.round(((p >> 8) & 0xff) * keep) << 8)
                    | Math.round((p & 0xff) * keep);
          }
        }
      }
      for (int y = 0; y < l.h; y++) {
        int cy = l.y + y;
        if (cy < 0 || cy >= SIZE) {
          continue;
        }
        for (int x = 0; x < l.w; x++) {
          int cx = l.x + x;
          int p = l.px[y * l.w + x];
          int a = p >>> 24;
          if (cx < 0 || cx >= SIZE || a == 0) {
            continue;
          }
          int i = cy * SIZE + cx;
          int d = canvas[i];
          int keep = 255 - a;
          int r = ((p >> 16) & 0xff) + (((d >> 16) & 0xff) * keep + 127) / 255;
          int g = ((p >> 8) & 0xff) + (((d >> 8) & 0xff) * keep + 127) / 255;
          int b = (p & 0xff) + ((d & 0xff) * keep + 127) / 255;
          canvas[i] = (Math.min(255, r) << 16) | (Math.min(255, g) << 8) | Math.min(255, b);
        }
      }
    }
  }

  /** The tight box of the pixels each object owns, or null. */
  private static int[][] boxes(int[] owner, int n) {
    int[][] boxes = new int[n][];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        int o = owner[y * SIZE + x];
        if (o < 0) {
          continue;
        }
        int[] b = boxes[o];
        if (b == null) {
          boxes[o] = new int[] {x, y, x, y};
        } else {
          b[0] = Math.min(b[0], x);
          b[1] = Math.min(b[1], y);
          b[2] = Math.max(b[2], x);
          b[3] = Math.max(b[3], y);
        }
      }
    }
    return boxes;
  }
}
