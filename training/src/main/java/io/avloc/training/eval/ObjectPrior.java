package io.avloc.training.eval;

import io.avloc.core.image.RgbImage;

/**
 * The object map of object-guided localization (docs/methods.md §5 step 4): where in a picture
 * objects are, whatever sounds. EZ-VSL uses a frozen ImageNet ResNet-18 ({@link ObjectBackbone});
 * the COCO CenterNet's objectness ({@link DetectorPrior}) is the alternative of issue 10.
 */
public interface ObjectPrior extends AutoCloseable {

  /** The name used on the command line and in reports: {@code imagenet} or {@code centernet}. */
  String name();

  /**
   * The object maps of a batch, each min-max normalized to [0, 1], row-major {@code side × side}.
   *
   * @param pictures the decoded frames, as read (any size)
   * @param n how many of {@code pictures} to use
   */
  double[][] maps(RgbImage[] pictures, int n, int side);

  @Override
  void close();
}
