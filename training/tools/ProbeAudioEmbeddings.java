import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.training.ParameterStore;
import io.avloc.core.audio.*;
import io.avloc.core.model.*;
import io.avloc.training.train.*;
import java.io.*;
import java.nio.file.*;
import java.util.*;

/**
 * Does a detector head's audio network tell sounds apart? Feeds it pure tones of six frequencies
 * (250 + 300·i Hz, three random phases each, 3 s at 16 kHz, through the artifact's spectrogram)
 * and prints the mean cosine of the embeddings within one tone and between different tones, for
 * the pooled trunk features, the same standardised over the batch, and the final embedding A.
 * Issue 10: a freshly initialised lite audio trunk gives 0.999 between different tones.
 *
 * <pre>
 * mvn -q -o install -DskipTests -pl cli -am
 * java -Dai.djl.offline=true -cp "cli/target/avloc.jar:cli/target/lib/*" \
 *   training/tools/ProbeAudioEmbeddings.java RUN/checkpoints/last/network.params|init [audiobn]
 * </pre>
 *
 * The checkpoint is a 224 px head-feature run with centring ({@code 224:head:centre[:audiobn]}),
 * the detector in {@code ~/.cache/avloc/detector/human-3.3.6} (training/fetch-detector.sh).
 */
public class ProbeAudioEmbeddings {
  static void report(String what, float[] a, int n, int per) {
    int d = a.length / n; double within = 0, between = 0; int nw = 0, nb = 0;
    for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) {
      double dot = 0, ni = 0, nj = 0; for (int q = 0; q < d; q++) { dot += a[i * d + q] * a[j * d + q]; ni += a[i * d + q] * a[i * d + q]; nj += a[j * d + q] * a[j * d + q]; }
      double cos = dot / Math.sqrt(ni * nj + 1e-30);
      if (i / per == j / per) { within += cos; nw++; } else { between += cos; nb++; }
    }
    System.out.printf("  %-40s same tone %.3f, different tones %.3f%n", what, within / nw, between / nb);
  }
  public static void main(String[] args) throws Exception {
    Path det = Path.of(System.getProperty("user.home"), ".cache/avloc/detector/human-3.3.6");
    int k = 6; // classes: tones at 250 + 300 i Hz
    int per = 3;
    AudioPreprocessor pre = new AudioPreprocessor();
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager();
        FrozenDetectorLocalizer net = FrozenDetectorLocalizer.load(
            new DetectorTrunk(det, 224, "head", true, true, true, args.length > 1 && args[1].equals("audiobn")),
            Preset.LITE.config())) {
      net.initialize(m, DataType.FLOAT32, net.config().inputShapes(1));
      if (!args[0].equals("init")) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(Path.of(args[0]))))) {
          net.loadParameters(m, in);
        }
      }
      int n = k * per;
      int bins = 0, frames = 0; List<float[]> specs = new ArrayList<>();
      Random r = new Random(1);
      for (int c = 0; c < k; c++) for (int j = 0; j < per; j++) {
        float[] x = new float[48000]; double w = 2 * Math.PI * (250 + 300 * c) / 16000; double ph = r.nextDouble() * 6.28;
        for (int t = 0; t < x.length; t++) x[t] = (float) (0.25 * Math.sin(w * t + ph) + 0.005 * (2 * r.nextDouble() - 1));
        LogSpectrogram s = pre.offline(new AudioClip(x, 16000)); specs.add(s.data()); bins = s.bins(); frames = s.frames();
      }
      float[] all = new float[n * bins * frames];
      for (int i = 0; i < n; i++) System.arraycopy(specs.get(i), 0, all, i * bins * frames, bins * frames);
      NDArray spec = m.create(all, new Shape(n, 1, bins, frames));
      NDArray img = m.zeros(new Shape(n, 3, 224, 224));
      NDList out = net.forward(new ParameterStore(m, false), new NDList(img, spec), false);
      float[] a = out.get(1).toFloatArray(); int d = a.length / n;
      ai.djl.nn.Block trunk = net.head().audioTrunk();
      NDArray feat = trunk.forward(new ParameterStore(m, false), new NDList(spec), false).singletonOrThrow();
      NDArray pooled = feat.max(new int[] {3}).max(new int[] {2});
      report("pooled trunk features", pooled.toFloatArray(), n, per);
      NDArray c = pooled.sub(pooled.mean(new int[] {0}, true)).div(pooled.sub(pooled.mean(new int[] {0}, true)).pow(2).mean(new int[] {0}, true).add(1e-5).sqrt());
      report("pooled, standardised over the batch", c.toFloatArray(), n, per);
      NDArray W = net.head().audioProjection().getParameters().get("weight").getArray();
      NDArray b = net.head().audioProjection().getParameters().get("bias").getArray();
      NDArray wx = pooled.matMul(W.transpose());
      System.out.printf("  |W x| mean %.4f, |b| %.4f, |W (x - mean x)| mean %.4f%n", wx.norm(new int[] {1}).mean().getFloat(), b.norm().getFloat(), wx.sub(wx.mean(new int[] {0}, true)).norm(new int[] {1}).mean().getFloat());
      report("projection of standardised", c.matMul(W.transpose()).toFloatArray(), n, per);
      double within = 0, between = 0; int nw = 0, nb = 0;
      for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) {
        double cos = 0; for (int q = 0; q < d; q++) cos += a[i * d + q] * a[j * d + q];
        if (i / per == j / per) { within += cos; nw++; } else { between += cos; nb++; }
      }
      System.out.printf("%s: embedding A (what the loss sees), same tone %.3f, different tones %.3f%n", args[0], within / nw, between / nb);
    }
  }
}
