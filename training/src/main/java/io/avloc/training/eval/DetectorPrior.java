package io.avloc.training.eval;

import io.avloc.core.detector.CenterNet;
import io.avloc.core.detector.ClassHeatmaps;
import io.avloc.core.detector.ObjectDetector;
import io.avloc.core.detector.ObjectGuidance;
import io.avloc.core.image.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The COCO CenterNet's objectness as the object map: at every one of its 128×128 positions the
 * largest of the 80 class heatmaps, upsampled (bilinear, align_corners = True, as the ImageNet
 * object map) and min-max normalized. The picture is resized to the detector's 512×512 as it is,
 * like the 224×224 test image (aspect not kept). Runs on ONNX Runtime.
 */
public final class DetectorPrior implements ObjectPrior {

  /** The name on the command line and in reports. */
  public static final String NAME = CenterNet.PRIOR_NAME;

  private final ObjectDetector detector;

  public DetectorPrior(ObjectDetector detector) {
    this.detector = Objects.requireNonNull(detector, "detector");
  }

  /** Imports and loads the detector from the fetch script's folder (see {@link CenterNet}). */
  public static DetectorPrior load(Path dir) throws IOException {
    return new DetectorPrior(ObjectDetector.load(dir));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double[][] maps(RgbImage[] pictures, int n, int side) {
    int in = CenterNet.INPUT_SIZE;
    float[] input = new float[n * in * in * 3];
    for (int i = 0; i < n; i++) {
      ObjectDetector.input(pictures[i], input, i);
    }
    ObjectDetector.Outputs out = detector.run(input, n);
    double[][] maps = new double[n][];
    for (int i = 0; i < n; i++) {
      ClassHeatmaps heatmaps = out.heatmaps(i);
      maps[i] = objectMap(heatmaps, side);
    }
    return maps;
  }

  /** Objectness upsampled to {@code side × side} and min-max normalized. */
  static double[] objectMap(ClassHeatmaps heatmaps, int side) {
    return ObjectGuidance.objectMap(heatmaps, side, side);
  }

  @Override
  public void close() {
    detector.close();
  }
}
