package io.avloc.training.data;

import io.avloc.core.metrics.GroundTruth;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.core.metrics.PixelBox;
import java.util.List;

/** Ground truth of an evaluation clip, in one of the benchmark layouts (docs/methods.md §6.1). */
public sealed interface Annotation {

  /** The 224×224 ground-truth map of the protocol (row-major). */
  double[] groundTruthMap();

  /** Whether a sounding object is visible; off-screen and silent clips have no box. */
  boolean onScreen();

  /** VGG-SS: normalized boxes, binary union; an empty list means no visible source. */
  record Vggss(List<NormalizedBox> boxes) implements Annotation {
    public Vggss {
      boxes = List.copyOf(boxes);
    }

    @Override
    public double[] groundTruthMap() {
      return GroundTruth.vggss(boxes);
    }

    @Override
    public boolean onScreen() {
      return !boxes.isEmpty();
    }
  }

  /** Flickr-SoundNet: every annotator's box in the 256×256 frame, consensus-weighted. */
  record Flickr(List<PixelBox> annotatorBoxes) implements Annotation {
    public Flickr {
      annotatorBoxes = List.copyOf(annotatorBoxes);
    }

    @Override
    public double[] groundTruthMap() {
      return GroundTruth.flickr(annotatorBoxes);
    }

    @Override
    public boolean onScreen() {
      return !annotatorBoxes.isEmpty();
    }
  }
}
