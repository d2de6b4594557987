package io.avloc.core.heatmap;

/**
 * The two upsampling settings of the reference code (docs/methods.md §5 step 2). Both follow
 * PyTorch's {@code F.interpolate} for any input and output size.
 */
public enum Upsampling {
  /**
   * {@code mode='bilinear', align_corners=True}: used by {@code test.py:validate} (EZ-VSL, FNAC)
   * and SSLalignment. Source coordinate {@code src = dst·(in−1)/(out−1)}, so the corner pixels of
   * the input land exactly on the corner pixels of the output; the output stays within the input's
   * range.
   */
  BILINEAR_ALIGN_CORNERS,

  /**
   * {@code mode='bicubic', align_corners=False}: used by {@code train.py:validate} (per-epoch model
   * selection) and FNAC {@code test.py:validate2}. Source coordinate {@code src = (dst+0.5)·in/out
   * − 0.5}; cubic convolution with A = −0.75 on taps {@code i−1..i+2}, indices clamped to the
   * border, x then y. The output may overshoot the input's range.
   */
  BICUBIC
}
