// Converts catalog pictures into the layout of avloc's synthetic cameras (feed module,
// SyntheticAssets), deterministically. Run by assets/fetch-assets.sh with the JDK alone:
//
//   java assets/tools/DemoPictures.java < JOBS.tsv
//
// JOBS.tsv: one picture a line, "cutout<TAB>SOURCE<TAB>TARGET.png" or
// "background<TAB>SOURCE<TAB>TARGET.jpg".
//   cutout:     a PNG or GIF with transparency, cropped to its non-transparent pixels (the feed trims
//               them on load anyway; here they would only cost bytes) and scaled down so that its
//               longer side is at most 200 px: the feed draws objects at most 55 % of a 320x240
//               frame, so more pixels would only make the jar bigger.
//   background: a photo scaled down (never up) to the smallest size that still covers 480x360
//               (the feed scales a background to cover the frame and crops it at random), written
//               as a baseline JPEG of quality 0.85.
// The same sources and JDK give the same bytes: no timestamps or other metadata are written.
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

public class DemoPictures {

  static final int CUTOUT_MAX_SIDE = 200;
  static final int BACKGROUND_WIDTH = 480;
  static final int BACKGROUND_HEIGHT = 360;
  static final float JPEG_QUALITY = 0.85f;

  public static void main(String[] args) throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    int done = 0;
    for (String line; (line = in.readLine()) != null; ) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      if (f.length != 3) {
        fail("a job line needs KIND<TAB>SOURCE<TAB>TARGET, got: " + line);
      }
      BufferedImage src = ImageIO.read(new File(f[1]));
      if (src == null) {
        fail(f[1] + " is not an image Java can read");
      }
      Path target = Path.of(f[2]);
      Files.createDirectories(target.toAbsolutePath().getParent());
      switch (f[0]) {
        case "cutout" -> cutout(src, f[1], target);
        case "background" -> background(src, target);
        default -> fail("unknown job kind '" + f[0] + "' (cutout or background)");
      }
      done++;
    }
    System.out.println("DemoPictures: wrote " + done + " pictures");
  }

  static void cutout(BufferedImage src, String name, Path target) throws IOException {
    BufferedImage argb = copy(src, src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_ARGB);
    int w = argb.getWidth();
    int h = argb.getHeight();
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
      fail(name + " is fully transparent");
    }
    BufferedImage trimmed = argb.getSubimage(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    double scale =
        Math.min(1.0, (double) CUTOUT_MAX_SIDE / Math.max(trimmed.getWidth(), trimmed.getHeight()));
    BufferedImage out =
        scale(
            trimmed,
            Math.max(1, (int) Math.round(trimmed.getWidth() * scale)),
            Math.max(1, (int) Math.round(trimmed.getHeight() * scale)),
            true);
    if (!ImageIO.write(out, "png", target.toFile())) {
      fail("no PNG writer");
    }
  }

  static void background(BufferedImage src, Path target) throws IOException {
    double scale =
        Math.min(
            1.0,
            Math.max(
                (double) BACKGROUND_WIDTH / src.getWidth(),
                (double) BACKGROUND_HEIGHT / src.getHeight()));
    BufferedImage out =
        scale(
            src,
            (int) Math.ceil(src.getWidth() * scale),
            (int) Math.ceil(src.getHeight() * scale),
            false);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam p = writer.getDefaultWriteParam();
    p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    p.setCompressionQuality(JPEG_QUALITY);
    Files.deleteIfExists(target);
    try (ImageOutputStream ios = ImageIO.createImageOutputStream(target.toFile())) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(out, null, null), p);
    } finally {
      writer.dispose();
    }
  }

  /**
   * Scales by halving steps and one bicubic step, which keeps thin lines of drawings instead of
   * skipping pixels as a single bilinear step would. With alpha, the work is premultiplied so that
   * transparent pixels do not bleed their (arbitrary) colour into the edges.
   */
  static BufferedImage scale(BufferedImage src, int w, int h, boolean alpha) {
    int work = alpha ? BufferedImage.TYPE_INT_ARGB_PRE : BufferedImage.TYPE_INT_RGB;
    BufferedImage cur = copy(src, src.getWidth(), src.getHeight(), work);
    int cw = cur.getWidth();
    int ch = cur.getHeight();
    while (cw / 2 >= w && ch / 2 >= h) {
      cw /= 2;
      ch /= 2;
      cur = copy(cur, cw, ch, work);
    }
    if (cw != w || ch != h) {
      cur = copy(cur, w, h, work);
    }
    return copy(cur, w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
  }

  static BufferedImage copy(BufferedImage src, int w, int h, int type) {
    BufferedImage out = new BufferedImage(w, h, type);
    Graphics2D g = out.createGraphics();
    g.setComposite(AlphaComposite.Src);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(src, 0, 0, w, h, null);
    g.dispose();
    return out;
  }

  static void fail(String message) {
    System.err.println("DemoPictures: " + message);
    System.exit(1);
  }
}
