package io.avloc.core.detector;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.avloc.core.image.BicubicResizer;
import io.avloc.core.image.RgbImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link CenterNet} detector running on ONNX Runtime (through DJL; the engine must be on the
 * class path): imports the TF.js model to ONNX when it loads, then turns pictures into class
 * heatmaps, objectness maps and features. Not thread-safe: one {@link Predictor} per detector.
 */
public final class ObjectDetector implements AutoCloseable {

  /** The ONNX Runtime engine name in DJL. */
  public static final String ENGINE = "OnnxRuntime";

  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final int inputSize;
  private final List<String> outputs;

  /** The three outputs of one batch, NHWC, row-major. */
  public record Outputs(int n, float[] keypoints, float[] headFeatures, float[] trunkFeatures) {

    /** Values per picture of the class heatmaps (128·128·80). */
    public static final int KEYPOINTS_SIZE =
        CenterNet.HEATMAP_SIZE * CenterNet.HEATMAP_SIZE * CenterNet.COCO_LABELS.size();

    /** The class heatmaps of picture {@code i}: 128×128×80. */
    public ClassHeatmaps heatmaps(int i) {
      float[] own = new float[KEYPOINTS_SIZE];
      System.arraycopy(keypoints, i * KEYPOINTS_SIZE, own, 0, KEYPOINTS_SIZE);
      return new ClassHeatmaps(
          CenterNet.HEATMAP_SIZE, CenterNet.HEATMAP_SIZE, CenterNet.COCO_LABELS.size(), own);
    }
  }

  private ObjectDetector(ZooModel<NDList, NDList> model, int inputSize, List<String> outputs) {
    this.model = model;
    this.predictor = model.newPredictor();
    this.inputSize = inputSize;
    this.outputs = List.copyOf(outputs);
  }

  /**
   * Imports the TF.js model in {@code dir} (see {@link CenterNet#modelJson}) and loads it on ONNX
   * Runtime.
   *
   * @throws IllegalArgumentException if the model is not there (naming the fetch script) or cannot
   *     be imported
   */
  public static ObjectDetector load(Path dir) throws IOException {
    return load(dir, CenterNet.INPUT_SIZE, CenterNet.OUTPUTS);
  }

  /**
   * Imports only what {@code outputs} need, for square pictures of side {@code inputSize} (see
   * {@link CenterNet#importOnnx(Path, int, List)}), and loads it on ONNX Runtime.
   */
  public static ObjectDetector load(Path dir, int inputSize, List<String> outputs)
      throws IOException {
    Path onnx = Files.createTempFile("avloc-centernet", ".onnx");
    try {
      try (OutputStream os = Files.newOutputStream(onnx)) {
        CenterNet.importOnnx(dir, inputSize, outputs).writeTo(os);
      }
      // DJL's OnnxRuntime engine must create the OrtEnvironment before anyone else does.
      Engine.getEngine(ENGINE);
      Criteria<NDList, NDList> criteria =
          Criteria.builder()
              .setTypes(NDList.class, NDList.class)
              .optModelPath(onnx)
              .optEngine(ENGINE)
              .optTranslator(new NoopTranslator())
              .build();
      try {
        return new ObjectDetector(criteria.loadModel(), inputSize, outputs);
      } catch (ModelNotFoundException | MalformedModelException e) {
        throw new IllegalArgumentException(
            "ONNX Runtime cannot load the imported detector: " + e.getMessage(), e);
      }
    } finally {
      Files.deleteIfExists(onnx);
    }
  }

  /**
   * Writes {@code picture}, resized to 512×512 (PIL bicubic), as detector input: NHWC RGB 0–255.
   *
   * @param dst batch buffer; picture {@code i} starts at {@code i · 512·512·3}
   */
  public static void input(RgbImage picture, float[] dst, int i) {
    Objects.requireNonNull(picture, "picture");
    int side = CenterNet.INPUT_SIZE;
    RgbImage resized =
        picture.width() == side && picture.height() == side
            ? picture
            : BicubicResizer.resize(picture, side, side);
    byte[] px = resized.pixels();
    int offset = i * side * side * 3;
    for (int k = 0; k < side * side * 3; k++) {
      dst[offset + k] = px[k] & 0xff;
    }
  }

  /**
   * Runs a batch.
   *
   * @param images n pictures, NHWC 512×512×3, RGB 0–255 (see {@link #input})
   */
  public Outputs run(float[] images, int n) {
    if (inputSize != CenterNet.INPUT_SIZE || !outputs.equals(CenterNet.OUTPUTS)) {
      throw new IllegalStateException(
          "run() needs the detector loaded with load(dir); this one has input "
              + inputSize
              + " and outputs "
              + outputs);
    }
    List<float[]> out = runNodes(images, n);
    return new Outputs(n, out.get(0), out.get(1), out.get(2));
  }

  /**
   * Runs a batch and returns the loaded outputs, in load order, each NHWC row-major.
   *
   * @param images n pictures, NHWC {@link #inputSize()}² × 3, RGB 0–255
   */
  public List<float[]> runNodes(float[] images, int n) {
    Objects.requireNonNull(images, "images");
    int side = inputSize;
    if (n < 1 || images.length != (long) n * side * side * 3) {
      throw new IllegalArgumentException(
          "images hold " + images.length + " floats, need " + n + "x" + side + "x" + side + "x3");
    }
    try (NDManager batch = model.getNDManager().newSubManager()) {
      NDArray x = batch.create(images, new Shape(n, side, side, 3));
      x.setName(CenterNet.INPUT);
      NDList out = predictor.predict(new NDList(x));
      List<float[]> values = new ArrayList<>(outputs.size());
      for (String name : outputs) {
        values.add(byName(out, name).toFloatArray());
      }
      return values;
    } catch (TranslateException e) {
      throw new IllegalStateException("the detector failed: " + e.getMessage(), e);
    }
  }

  /** Side of the square input this detector was loaded for. */
  public int inputSize() {
    return inputSize;
  }

  /** The nodes {@link #runNodes} returns, in order. */
  public List<String> outputs() {
    return outputs;
  }

  private static NDArray byName(NDList out, String name) {
    NDArray a = out.get(name);
    if (a == null) {
      throw new IllegalStateException("the detector returned no output " + name);
    }
    return a;
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }
}
