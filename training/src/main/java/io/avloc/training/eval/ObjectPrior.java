package io.avloc.training.eval;

import io.avloc.core.image.RgbImage;

/**
 * The object map of object-guided localization (docs/methods.md §5 step 4): where in a picture
 * objects are, whatever sounds. EZ-VSL uses a frozen ImageNet ResNet-18 ({@link ObjectBackbone});
 * the COCO CenterNet's objectness is the alternative of issue 10, run beside the model ({@link
 * DetectorPrior}) or taken from a model whose graph holds the detector ({@link ModelObjectPrior}).
 */
public interface ObjectPrior extends AutoCloseable {

  /**
   * The name used on the command line and in reports: {@code imagenet}, {@code centernet} or {@code
   * model}.
   */
  String name();

  /**
   * The object maps of a batch, each min-max normalized to [0, 1], row-major {@code side × side}.
   *
   * @param pictures the decoded frames, as read (any size)
   * @param n how many of {@code pictures} to use
   */
  double[][] maps(RgbImage[] pictures, int n, int side);

  /**
   * As {@link #maps(RgbImage[], int, int)}, with the network's prediction for the same batch at
   * hand, for a prior that the model computes itself ({@link ModelObjectPrior}).
   */
  default double[][] maps(
      RgbImage[] pictures, int n, int side, MapPredictor.Prediction prediction) {
    return maps(pictures, n, side);
  }

  @Override
  void close();
}
