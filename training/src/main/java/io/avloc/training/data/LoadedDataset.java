package io.avloc.training.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A dataset as read from disk by one of the readers ({@link VggssDataset}, {@link FlickrDataset},
 * {@link FolderDataset}, {@link VideoDataset}, or {@link Datasets#open}).
 *
 * @param root the folder the clips were read from
 * @param format the layout: {@code vggss}, {@code flickr}, {@code folder} or {@code video}
 * @param samples the clips, sorted by id, never empty
 * @param warnings what the reader left out and why (missing files, unpaired files), one sentence
 *     each; also logged at WARN when read
 */
public record LoadedDataset(Path root, String format, List<Sample> samples, List<String> warnings)
    implements AvDataset {

  public LoadedDataset {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(format, "format");
    samples = List.copyOf(samples);
    warnings = List.copyOf(warnings);
  }

  /** Number of clips. */
  public int size() {
    return samples.size();
  }

  @Override
  public String toString() {
    return "LoadedDataset[" + format + " " + root + ", " + samples.size() + " clips]";
  }
}
