import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.*;
import io.avloc.core.detector.ObjectDetector;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.*;
import java.nio.file.*;
import java.util.*;
import javax.imageio.ImageIO;

/**
 * Do the frozen CenterNet's features at the ground-truth box name the sounding class? For every
 * single-source clip of fixed benchmark splits ({@code avloc data synth}: manifest.jsonl +
 * frames/), the picture at 224 px, mirrored by 16 px as {@code --detector-trunk 224:...} does, the
 * detector's NODE features per position (optionally L2-normalised), centred over the picture,
 * averaged over the cells of the box and L2-normalised; then leave-one-out nearest-centroid
 * classification of the clip's class (cosine), overall and per picture package. NODE {@code
 * pixels} uses an 8×8 RGB thumbnail of the box instead (a baseline with no network). Issue 10.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "cli/target/avloc.jar:cli/target/lib/*" \
 *   training/tools/ProbeVisualFeatures.java NODE STRIDE CHANNELS L2 SPLIT_DIR...
 *   e.g. tower_0/CenternetHead/Relu 16 256 true /data/val /data/test
 *        tower_0/keypoints 4 80 false ...   tower_0/MobilenetV3/expanded_conv_14/add 32 120 true ...
 *        pixels 0 0 true ...
 * </pre>
 */
public class ProbeVisualFeatures {
  static final int S = 224, PAD = 16, SIDE = 256;
  public static void main(String[] args) throws Exception {
    String node = args[0]; int stride = Integer.parseInt(args[1]); int ch = Integer.parseInt(args[2]);
    boolean l2 = Boolean.parseBoolean(args[3]);
    Path det = Path.of(System.getProperty("user.home"), ".cache/avloc/detector/human-3.3.6");
    ObjectMapper om = new ObjectMapper();
    List<String> labels = new ArrayList<>(); List<double[]> feats = new ArrayList<>(); List<String> styles = new ArrayList<>();
    try (ObjectDetector d = ObjectDetector.load(det, SIDE, List.of(node.equals("pixels") ? "tower_0/keypoints" : node))) {
      for (int ai = 4; ai < args.length; ai++) {
        Path root = Path.of(args[ai]);
        for (String line : Files.readAllLines(root.resolve("manifest.jsonl"))) {
          JsonNode j = om.readTree(line);
          if (!j.get("type").asText().equals("single") || j.get("bbox").size() != 1) continue;
          BufferedImage src = ImageIO.read(root.resolve(j.get("frame").asText()).toFile());
          BufferedImage img = new BufferedImage(S, S, BufferedImage.TYPE_INT_RGB);
          Graphics2D g = img.createGraphics();
          g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
          g.drawImage(src, 0, 0, S, S, null); g.dispose();
          float[] nhwc = new float[SIDE * SIDE * 3];
          for (int y = 0; y < SIDE; y++) for (int x = 0; x < SIDE; x++) {
            int sy = refl(y - PAD), sx = refl(x - PAD); int rgb = img.getRGB(sx, sy);
            nhwc[(y * SIDE + x) * 3] = (rgb >> 16) & 255; nhwc[(y * SIDE + x) * 3 + 1] = (rgb >> 8) & 255; nhwc[(y * SIDE + x) * 3 + 2] = rgb & 255;
          }
          if (node.equals("pixels")) {
            JsonNode b0 = j.get("bbox").get(0);
            int bx1 = (int) (b0.get(0).asDouble() * S), by1 = (int) (b0.get(1).asDouble() * S);
            int bx2 = Math.max(bx1 + 1, (int) (b0.get(2).asDouble() * S)), by2 = Math.max(by1 + 1, (int) (b0.get(3).asDouble() * S));
            BufferedImage t = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            Graphics2D g2 = t.createGraphics();
            g2.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g2.drawImage(img.getSubimage(bx1, by1, Math.min(S, bx2) - bx1, Math.min(S, by2) - by1), 0, 0, 8, 8, null); g2.dispose();
            double[] p = new double[192]; double mu = 0;
            for (int q = 0; q < 64; q++) { int rgb = t.getRGB(q % 8, q / 8); p[q * 3] = (rgb >> 16) & 255; p[q * 3 + 1] = (rgb >> 8) & 255; p[q * 3 + 2] = rgb & 255; }
            for (double z : p) mu += z / 192; double nn = 0; for (int q = 0; q < 192; q++) { p[q] -= mu; nn += p[q] * p[q]; }
            for (int q = 0; q < 192; q++) p[q] /= Math.sqrt(nn) + 1e-12;
            labels.add(j.get("class").asText()); feats.add(p); styles.add(j.get("objects").get(0).get("package").asText());
            continue;
          }
          float[] f = d.runNodes(nhwc, 1).get(0);
          int cells = SIDE / stride, m = S / stride, ring = (cells - m) / 2;
          // per-position L2, then centre over the picture's m×m positions
          double[][] v = new double[m * m][ch];
          double[] mean = new double[ch];
          for (int y = 0; y < m; y++) for (int x = 0; x < m; x++) {
            double n2 = 0; int base = ((y + ring) * cells + x + ring) * ch;
            for (int c = 0; c < ch; c++) n2 += f[base + c] * f[base + c];
            double n = l2 ? Math.sqrt(n2) + 1e-12 : 1;
            for (int c = 0; c < ch; c++) { v[y * m + x][c] = f[base + c] / n; mean[c] += v[y * m + x][c] / (m * m); }
          }
          JsonNode b = j.get("bbox").get(0);
          int x1 = (int) Math.floor(b.get(0).asDouble() * m), y1 = (int) Math.floor(b.get(1).asDouble() * m);
          int x2 = (int) Math.ceil(b.get(2).asDouble() * m), y2 = (int) Math.ceil(b.get(3).asDouble() * m);
          double[] pooled = new double[ch]; int k = 0;
          for (int y = Math.max(0, y1); y < Math.min(m, y2); y++) for (int x = Math.max(0, x1); x < Math.min(m, x2); x++) {
            for (int c = 0; c < ch; c++) pooled[c] += v[y * m + x][c] - mean[c]; k++;
          }
          if (k == 0) continue;
          double n = 0; for (double p : pooled) n += p * p; n = Math.sqrt(n) + 1e-12;
          for (int c = 0; c < ch; c++) pooled[c] /= n;
          labels.add(j.get("class").asText()); feats.add(pooled);
          String pkg = j.get("objects").get(0).get("package").asText(); styles.add(pkg);
        }
      }
    }
    // LOO nearest centroid (cosine)
    Map<String, double[]> sum = new HashMap<>(); Map<String, Integer> cnt = new HashMap<>();
    int ch2 = feats.get(0).length;
    for (int i = 0; i < feats.size(); i++) { double[] s = sum.computeIfAbsent(labels.get(i), z -> new double[ch2]); for (int c = 0; c < ch2; c++) s[c] += feats.get(i)[c]; cnt.merge(labels.get(i), 1, Integer::sum); }
    int ok = 0, n = 0; Map<String, int[]> byStyle = new TreeMap<>();
    for (int i = 0; i < feats.size(); i++) {
      if (cnt.get(labels.get(i)) < 2) continue;
      String best = null; double bs = -9;
      for (String l : sum.keySet()) {
        double[] s = sum.get(l).clone(); int c0 = cnt.get(l);
        if (l.equals(labels.get(i))) { for (int c = 0; c < ch2; c++) s[c] -= feats.get(i)[c]; c0--; }
        if (c0 == 0) continue;
        double dot = 0, nn = 0; for (int c = 0; c < ch2; c++) { dot += s[c] * feats.get(i)[c]; nn += s[c] * s[c]; }
        double cos = dot / (Math.sqrt(nn) + 1e-12);
        if (cos > bs) { bs = cos; best = l; }
      }
      boolean hit = best.equals(labels.get(i)); ok += hit ? 1 : 0; n++;
      int[] st = byStyle.computeIfAbsent(styles.get(i), z -> new int[2]); st[0] += hit ? 1 : 0; st[1]++;
    }
    System.out.printf("%s l2=%s: %d clips, %d classes, LOO nearest-centroid accuracy %.3f (chance ~%.3f)%n", node, l2, n, sum.size(), ok / (double) n, 1.0 / sum.size());
    byStyle.forEach((k, v) -> System.out.printf("  %-40s %3d/%3d = %.2f%n", k, v[0], v[1], v[0] / (double) v[1]));
  }
  static int refl(int k) { if (k < 0) return -k; return k >= S ? 2 * S - 2 - k : k; }
}
