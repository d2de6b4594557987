/**
 * Image preprocessing shared by training and serving: decoding ({@link
 * io.avloc.core.image.ImageDecoder}), PIL-compatible bicubic resizing ({@link
 * io.avloc.core.image.BicubicResizer}), ImageNet normalization ({@link
 * io.avloc.core.image.ImageNormalizer}), the test-time pipeline ({@link
 * io.avloc.core.image.ImagePreprocessor}) and the training augmentation ({@link
 * io.avloc.core.image.TrainingAugmenter}).
 *
 * <p>Conventions: 8-bit images are {@link io.avloc.core.image.RgbImage}s, interleaved RGB, row
 * major (HWC, as PIL and NumPy); network inputs are {@code float[3 * H * W]}, channel-major (CHW),
 * RGB order, for an NDArray of shape (3, H, W). Sizes are in pixels, width before height.
 */
package io.avloc.core.image;
