/**
 * Heatmap post-processing (docs/methods.md §5): upsampling of the model's low-resolution similarity
 * map, min-max normalization, object-guided localization (OGL), and the peak, boxes and grid that
 * go into a {@link io.avloc.core.event.HeatmapEvent}.
 *
 * <p>Conventions shared by every class here:
 *
 * <ul>
 *   <li>A map is a row-major {@code double[]} (or {@code float[]} on input) of shape {@code
 *       (height, width)}: the value at column {@code x}, row {@code y} is {@code map[y * width +
 *       x]}. Parameters are always given in shape order, height before width, like the tensor
 *       shapes in the reference code.
 *   <li>Arithmetic is in double precision. The reference (PyTorch, NumPy) computes these maps in
 *       float32, so results agree to float32 rounding, not bit for bit.
 *   <li>Inputs are never modified; every operation returns a new array.
 * </ul>
 */
package io.avloc.core.heatmap;
