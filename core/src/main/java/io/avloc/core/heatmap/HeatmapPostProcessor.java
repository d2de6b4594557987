package io.avloc.core.heatmap;

import io.avloc.core.event.HeatmapEvent;
import java.util.List;
import java.util.Objects;

/**
 * Turns the model's low-resolution similarity map into the localization parts of a {@link
 * HeatmapEvent}: upsample (docs/methods.md §5 step 2) → min-max normalize (step 3) → peak and boxes
 * on the full-resolution map → grid.
 *
 * <p>{@link #processGuided} mixes in an object map first (OGL), for a model whose graph gives one
 * ({@code io.avloc.core.detector.ObjectGuidance}).
 */
public final class HeatmapPostProcessor {
  private final Options options;
  private final BoxExtractor boxes;

  /**
   * Post-processing settings.
   *
   * @param upsampling how the model's map is brought to full resolution
   * @param height full-resolution height (224 in the reference)
   * @param width full-resolution width (224 in the reference)
   * @param gridHeight height of the grid carried in the event
   * @param gridWidth width of the grid carried in the event; set the grid to the full size to keep
   *     every value
   * @param boxes how boxes are extracted from the normalized full-resolution map
   */
  public record Options(
      Upsampling upsampling,
      int height,
      int width,
      int gridHeight,
      int gridWidth,
      BoxExtractor.Options boxes) {
    /** Bilinear align_corners=True (as {@code test.py}) to 224×224, a 28×28 grid, default boxes. */
    public static final Options DEFAULTS =
        new Options(
            Upsampling.BILINEAR_ALIGN_CORNERS, 224, 224, 28, 28, BoxExtractor.Options.DEFAULTS);

    public Options {
      Objects.requireNonNull(upsampling, "upsampling");
      MapShapes.requirePositive(height, width, "output");
      MapShapes.requirePositive(gridHeight, gridWidth, "grid");
      Objects.requireNonNull(boxes, "boxes");
    }
  }

  /** The localization parts of a heatmap event. */
  public record Localization(
      HeatmapEvent.Grid grid, HeatmapEvent.Peak peak, List<HeatmapEvent.Box> boxes) {
    public Localization {
      Objects.requireNonNull(grid, "grid");
      Objects.requireNonNull(peak, "peak");
      boxes = List.copyOf(boxes);
    }
  }

  public HeatmapPostProcessor(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    this.boxes = new BoxExtractor(options.boxes());
  }

  public Options options() {
    return options;
  }

  /**
   * Post-processes a raw model map (e.g. the 7×7 similarity map; its scale does not matter).
   *
   * @param similarity row-major, shape (height, width)
   */
  public Localization process(float[] similarity, int height, int width) {
    return process(MapShapes.toDouble(similarity), height, width);
  }

  /**
   * {@link #process(float[], int, int)} for a double map. A flat input map (all values equal)
   * carries no location and gets no boxes; this is decided on the input because upsampling adds
   * rounding noise that min-max would blow up to the full [0, 1] range.
   */
  public Localization process(double[] similarity, int height, int width) {
    double[] upsampled = upsampled(similarity, height, width);
    if (isFlat(similarity)) {
      return localize(upsampled, options.height(), options.width(), true);
    }
    return localize(MinMax.normalize(upsampled), options.height(), options.width(), false);
  }

  /**
   * Object-guided localization (EZ-VSL's OGL): the raw model map upsampled and min-max normalized
   * as {@link #process(float[], int, int)} does, mixed with an object map of the same output size
   * ({@link ObjectGuidedLocalization#mix(double[], double[], double)}), then localized.
   *
   * @param similarity the raw model map, row-major (height, width)
   * @param objectMap normalized object map at this processor's output size
   * @param alpha weight of the audio-visual map
   */
  public Localization processGuided(
      float[] similarity, int height, int width, double[] objectMap, double alpha) {
    double[] raw = MapShapes.toDouble(similarity);
    double[] upsampled = upsampled(raw, height, width);
    // A flat AV map carries no location: only the object map is left to say where.
    double[] av = isFlat(raw) ? new double[upsampled.length] : MinMax.normalize(upsampled);
    return localize(
        ObjectGuidedLocalization.mix(av, objectMap, alpha), options.height(), options.width());
  }

  /** The raw model map, checked, brought to this processor's output size. */
  private double[] upsampled(double[] similarity, int height, int width) {
    MapShapes.require(similarity, height, width, "similarity");
    return HeatmapUpsampler.upsample(
        similarity, height, width, options.height(), options.width(), options.upsampling());
  }

  /**
   * Localization from a map that is already normalized and at the size it should be read at (for
   * example an OGL mix). A flat map (max = min) carries no location: it gets its grid and peak but
   * no boxes, whatever the threshold.
   *
   * @param map row-major, shape (height, width)
   */
  public Localization localize(double[] map, int height, int width) {
    MapShapes.require(map, height, width, "map");
    return localize(map, height, width, isFlat(map));
  }

  private Localization localize(double[] map, int height, int width, boolean flat) {
    HeatmapEvent.Grid grid =
        GridDownsampler.downsample(map, height, width, options.gridHeight(), options.gridWidth());
    HeatmapEvent.Peak peak = PeakFinder.peak(map, height, width);
    List<HeatmapEvent.Box> found = flat ? List.of() : boxes.extract(map, height, width);
    return new Localization(grid, peak, found);
  }

  private static boolean isFlat(double[] map) {
    for (double v : map) {
      if (v != map[0]) {
        return false;
      }
    }
    return true;
  }
}
