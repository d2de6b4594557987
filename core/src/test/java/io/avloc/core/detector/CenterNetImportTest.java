package io.avloc.core.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The imported CenterNet, run by ONNX Runtime, reproduces the original TF.js model: the reference
 * outputs in {@code src/test/resources/io/avloc/core/detector/*.ref.bin} were written by {@code
 * tools/detector-reference/reference.mjs} (TF.js 4.22.0, cpu backend) for the pictures next to
 * them.
 *
 * <p>Needs the model, which is not in git: {@link TestDetector#dir()} finds it or runs the fetch
 * script.
 */
class CenterNetImportTest {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CenterNetImportTest.class);

  private static final double TOLERANCE = 1e-4;
  private static final String FIXTURES = "/io/avloc/core/detector/";

  private static Path dir;
  private static ObjectDetector detector;

  @BeforeAll
  static void load() throws IOException {
    dir = TestDetector.dir();
    detector = ObjectDetector.load(dir);
  }

  @AfterAll
  static void close() {
    if (detector != null) {
      detector.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hall-cow", "hay_field-dog-horse", "hill-rooster-violin"})
  void importedGraphMatchesTheTfjsReferenceOnEveryOutput(String picture) throws IOException {
    Map<String, Reference> refs = readReference(picture + ".ref.bin");
    assertThat(refs.keySet())
        .containsExactly(
            CenterNet.KEYPOINTS, CenterNet.HEAD_FEATURES, CenterNet.TRUNK_FEATURES, "objectness");

    ObjectDetector.Outputs out = detector.run(input(picture + ".png"), 1);

    Map<String, float[]> actual =
        Map.of(
            CenterNet.KEYPOINTS, out.keypoints(),
            CenterNet.HEAD_FEATURES, out.headFeatures(),
            CenterNet.TRUNK_FEATURES, out.trunkFeatures());
    for (var e : actual.entrySet()) {
      Reference ref = refs.get(e.getKey());
      assertThat(e.getValue()).as(e.getKey() + " size").hasSize(ref.size());
      double diff = ref.maxAbsDiff(e.getValue());
      LOG.info(
          "{} {}: max abs difference {} over {} values",
          picture,
          e.getKey(),
          diff,
          ref.indices.length);
      assertThat(diff).as(e.getKey()).isLessThanOrEqualTo(TOLERANCE);
    }
    double[] objectness = out.heatmaps(0).objectness();
    Reference ref = refs.get("objectness");
    assertThat(ref.indices).hasSize(objectness.length);
    float[] asFloats = new float[objectness.length];
    for (int i = 0; i < objectness.length; i++) {
      asFloats[i] = (float) objectness[i];
    }
    double diff = ref.maxAbsDiff(asFloats);
    LOG.info(
        "{} objectness: max abs difference {} over {} values", picture, diff, objectness.length);
    assertThat(diff).as("objectness").isLessThanOrEqualTo(TOLERANCE);
    // the pictures hold pasted objects: the detector must see something, or the check is vacuous
    assertThat(max(objectness)).isGreaterThan(0.2);
  }

  @ParameterizedTest
  @ValueSource(ints = {224, 256, 320})
  void aSmallerInputGivesFeatureMapsThatShrinkWithTheirStride(int size) throws IOException {
    try (ObjectDetector small =
        ObjectDetector.load(
            dir, size, List.of(CenterNet.HEAD_FEATURES, CenterNet.TRUNK_FEATURES))) {
      float[] images = new float[2 * size * size * 3];
      for (int i = 0; i < images.length; i++) {
        images[i] = (i * 7919L % 256);
      }
      List<float[]> out = small.runNodes(images, 2);
      int head = size / CenterNet.HEAD_STRIDE;
      int trunk = size / CenterNet.TRUNK_STRIDE;
      assertThat(out.get(0)).hasSize(2 * head * head * CenterNet.HEAD_CHANNELS);
      assertThat(out.get(1)).hasSize(2 * trunk * trunk * CenterNet.TRUNK_CHANNELS);
      float min = Float.MAX_VALUE;
      float max = -Float.MAX_VALUE;
      for (float v : out.get(0)) {
        assertThat(v).isFinite();
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      assertThat(max).isGreaterThan(min);
    }
    assertThatThrownBy(() -> ObjectDetector.load(dir, size + 16, List.of(CenterNet.HEAD_FEATURES)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multiple of 32");
  }

  @Test
  void pastedAnimalsAreLabelledWithTheirCocoClass() throws IOException {
    ObjectDetector.Outputs out = detector.run(input("hall-cow.png"), 1);
    // the cow cut-out covers x 60..210, y ~70..200 of the 256-pixel picture
    var detection =
        out.heatmaps(0)
            .strongestIn(60 / 256.0, 70 / 256.0, 210 / 256.0, 200 / 256.0, 0.2)
            .orElseThrow();
    assertThat(detection.label()).isIn("cow", "horse", "sheep", "dog");
  }

  @Test
  void unknownOpsAreRefusedWithTheirName() throws IOException {
    TfjsGraph graph = TfjsGraph.read(dir.resolve(CenterNet.MODEL_JSON));
    assertThatThrownBy(
            () ->
                TfjsOnnxImporter.convert(
                    graph, CenterNet.INPUT, List.of("tower_0/detections"), "centernet"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported TensorFlow op")
        .hasMessageContaining("'TopKV2'")
        .hasMessageContaining("'GatherV2'");
  }

  @Test
  void float16WeightsAreDequantisedExactly() {
    assertThat(TfjsGraph.Half.toFloat((short) 0x3c00)).isEqualTo(1f);
    assertThat(TfjsGraph.Half.toFloat((short) 0xc000)).isEqualTo(-2f);
    assertThat(TfjsGraph.Half.toFloat((short) 0x7bff)).isEqualTo(65504f);
    assertThat(TfjsGraph.Half.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(TfjsGraph.Half.toFloat((short) 0x3555)).isEqualTo(0.33325195f);
    assertThat(TfjsGraph.Half.toFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void theModelHasAboutTwoMillionParameters() throws IOException {
    TfjsGraph graph = TfjsGraph.read(dir.resolve(CenterNet.MODEL_JSON));
    assertThat(graph.parameterCount()).isBetween(1_800_000L, 2_200_000L);
  }

  /** The fixture picture, scaled x2 by pixel replication, as NHWC 0..255 (as reference.mjs). */
  private static float[] input(String name) throws IOException {
    BufferedImage img;
    try (InputStream in = CenterNetImportTest.class.getResourceAsStream(FIXTURES + name)) {
      img = ImageIO.read(in);
    }
    int side = CenterNet.INPUT_SIZE;
    assertThat(img.getWidth() * 2).isEqualTo(side);
    float[] x = new float[side * side * 3];
    for (int y = 0; y < side; y++) {
      for (int xx = 0; xx < side; xx++) {
        int rgb = img.getRGB(xx / 2, y / 2);
        int o = 3 * (y * side + xx);
        x[o] = (rgb >> 16) & 0xff;
        x[o + 1] = (rgb >> 8) & 0xff;
        x[o + 2] = rgb & 0xff;
      }
    }
    return x;
  }

  private record Reference(int[] shape, int[] indices, float[] values) {
    int size() {
      int s = 1;
      for (int d : shape) {
        s *= d;
      }
      return s;
    }

    double maxAbsDiff(float[] actual) {
      double worst = 0;
      for (int i = 0; i < indices.length; i++) {
        worst = Math.max(worst, Math.abs(actual[indices[i]] - values[i]));
      }
      return worst;
    }
  }

  private static Map<String, Reference> readReference(String name) throws IOException {
    Map<String, Reference> refs = new LinkedHashMap<>();
    try (InputStream raw = CenterNetImportTest.class.getResourceAsStream(FIXTURES + name);
        DataInputStream in = new DataInputStream(raw)) {
      byte[] magic = in.readNBytes(6);
      assertThat(new String(magic, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("AVREF1");
      int count = in.readInt();
      for (int k = 0; k < count; k++) {
        String output = in.readUTF();
        int[] shape = new int[in.readInt()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = in.readInt();
        }
        int n = in.readInt();
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
          indices[i] = in.readInt();
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = in.readFloat();
        }
        refs.put(output, new Reference(shape, indices, values));
      }
    }
    return refs;
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }
}
