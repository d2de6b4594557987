package io.avloc.training.data;

import java.nio.file.Path;
import java.util.List;

/** A list of clips read from one folder in one of the supported layouts. */
public interface AvDataset {

  /** The folder the clips were read from. */
  Path root();

  /** The layout, e.g. {@code vggss}, {@code flickr}, {@code folder}, {@code video}. */
  String format();

  /** The clips, in a stable order (sorted by id). */
  List<Sample> samples();
}
