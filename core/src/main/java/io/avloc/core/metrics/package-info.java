/**
 * The sound-source localization evaluation protocol of EZ-VSL / FNAC (docs/methods.md §6):
 * ground-truth maps for VGG-SS and Flickr-SoundNet, the per-sample consensus IoU with the median
 * threshold, and the dataset metrics the field reports (AP50, reported as "cIoU", and AUC), plus
 * pointing accuracy and the protocol's oracle ceiling.
 *
 * <p>Maps are row-major {@code double[]} arrays of shape (height, width), value at column {@code
 * x}, row {@code y} at {@code y·width + x}; the protocol's size is 224×224, but any size works. The
 * prediction and the ground truth of one sample must have the same shape. Arithmetic is in double
 * precision.
 */
package io.avloc.core.metrics;
