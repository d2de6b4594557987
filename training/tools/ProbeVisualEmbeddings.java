import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.*;
import io.avloc.core.image.*;
import io.avloc.core.model.*;
import io.avloc.training.train.*;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.*;
import java.nio.file.*;
import java.util.*;
import javax.imageio.ImageIO;

/**
 * Does a detector head's visual map V group the pictures of one class? For the first 60
 * single-source clips of a fixed split, V (the head's L2-normalised 14×14×128 map, 224 px,
 * {@code 224:head:centre[:audiobn]} heads) at the cell under the box centre: the mean cosine
 * between clips of the same class and of different classes, and between the box cell and the
 * top-left cell of the same picture. Issue 10.
 *
 * <pre>
 * java -Dai.djl.offline=true -cp "cli/target/avloc.jar:cli/target/lib/*" \
 *   training/tools/ProbeVisualEmbeddings.java RUN/checkpoints/last/network.params|init SPLIT_DIR [audiobn]
 * </pre>
 */
public class ProbeVisualEmbeddings {
  public static void main(String[] args) throws Exception {
    Path det = Path.of(System.getProperty("user.home"), ".cache/avloc/detector/human-3.3.6");
    boolean abn = args.length > 2 && args[2].equals("audiobn");
    ObjectMapper om = new ObjectMapper();
    List<float[]> imgs = new ArrayList<>(); List<String> cls = new ArrayList<>(); List<int[]> cell = new ArrayList<>();
    Path root = Path.of(args[1]);
    for (String line : Files.readAllLines(root.resolve("manifest.jsonl"))) {
      JsonNode j = om.readTree(line);
      if (!j.get("type").asText().equals("single") || j.get("bbox").size() != 1) continue;
      BufferedImage src = ImageIO.read(root.resolve(j.get("frame").asText()).toFile());
      BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics(); g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.drawImage(src, 0, 0, 224, 224, null); g.dispose();
      int[] px = img.getRGB(0, 0, 224, 224, null, 0, 224);
      byte[] rgb = new byte[224 * 224 * 3];
      for (int q = 0; q < px.length; q++) { rgb[q * 3] = (byte) (px[q] >> 16); rgb[q * 3 + 1] = (byte) (px[q] >> 8); rgb[q * 3 + 2] = (byte) px[q]; }
      imgs.add(ImageNormalizer.IMAGENET.toChw(new RgbImage(224, 224, rgb)));
      cls.add(j.get("class").asText());
      JsonNode b = j.get("bbox").get(0);
      cell.add(new int[] {(int) Math.min(13, (b.get(0).asDouble() + b.get(2).asDouble()) / 2 * 14), (int) Math.min(13, (b.get(1).asDouble() + b.get(3).asDouble()) / 2 * 14)});
      if (imgs.size() == 60) break;
    }
    int n = imgs.size();
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer net = FrozenDetectorLocalizer.load(new DetectorTrunk(det, 224, "head", true, true, true, abn), Preset.LITE.config())) {
      net.initialize(m, DataType.FLOAT32, net.config().inputShapes(1));
      if (!args[0].equals("init")) try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(args[0]))))) { net.loadParameters(m, in); }
      float[] all = new float[n * 3 * 224 * 224];
      for (int i = 0; i < n; i++) System.arraycopy(imgs.get(i), 0, all, i * 3 * 224 * 224, 3 * 224 * 224);
      NDArray spec = m.zeros(net.config().spectrogramShape(n));
      NDList out = net.forward(new ParameterStore(m, false), new NDList(m.create(all, new Shape(n, 3, 224, 224)), spec), false);
      float[] v = out.get(2).toFloatArray(); int d = 128;
      double[][] obj = new double[n][d]; double[][] bg = new double[n][d];
      for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) {
        obj[i][c] = v[((i * d + c) * 14 + cell.get(i)[1]) * 14 + cell.get(i)[0]];
        bg[i][c] = v[((i * d + c) * 14 + 0) * 14 + 0];
      }
      double same = 0, diff = 0, ob = 0; int ns = 0, nd = 0;
      for (int i = 0; i < n; i++) { for (int c = 0; c < d; c++) ob += obj[i][c] * bg[i][c] / n;
        for (int j = i + 1; j < n; j++) { double dot = 0; for (int c = 0; c < d; c++) dot += obj[i][c] * obj[j][c];
          if (cls.get(i).equals(cls.get(j))) { same += dot; ns++; } else { diff += dot; nd++; } } }
      System.out.printf("%s: V at the box centre: same class %.3f (%d pairs), different classes %.3f; V(box) vs V(corner) of the same picture %.3f%n", args[0], same / ns, ns, diff / nd, ob);
    }
  }
}
