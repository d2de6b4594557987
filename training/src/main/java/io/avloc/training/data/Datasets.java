package io.avloc.training.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Opens a dataset folder in a named or detected layout; the entry point for the trainer and the
 * command line.
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>format</th><th>reader</th><th>detected when the folder has</th></tr>
 *   <tr><td>{@code vggss}</td><td>{@link VggssDataset}</td><td>{@code vggss.json}</td></tr>
 *   <tr><td>{@code flickr}</td><td>{@link FlickrDataset}</td><td>{@code Annotations/}</td></tr>
 *   <tr><td>{@code folder}</td><td>{@link FolderDataset}</td><td>{@code frames/} and
 *       {@code audio/}</td></tr>
 *   <tr><td>{@code video}</td><td>{@link VideoDataset}</td><td>video files</td></tr>
 * </table>
 *
 * {@code auto} tries the rows in this order. Video datasets are extracted into {@value
 * #VIDEO_CACHE} inside the dataset folder unless a cache folder is given.
 */
public final class Datasets {

  /** The format names {@link #open} accepts. */
  public static final List<String> FORMATS =
      List.of(
          "auto",
          VggssDataset.FORMAT,
          FlickrDataset.FORMAT,
          FolderDataset.FORMAT,
          VideoDataset.FORMAT);

  /** The default video cache folder, relative to the dataset folder. */
  public static final String VIDEO_CACHE = ".avloc-cache";

  private static final String LAYOUTS =
      "one of: "
          + VggssDataset.LAYOUT
          + "; "
          + FlickrDataset.LAYOUT
          + "; "
          + FolderDataset.LAYOUT
          + "; "
          + VideoDataset.LAYOUT;

  private Datasets() {}

  /**
   * Opens {@code root} in {@code format}, with the default video cache.
   *
   * @param format one of {@link #FORMATS}, case-insensitive
   * @throws DatasetException if the format is unknown, the layout is not found, or the reader fails
   */
  public static LoadedDataset open(Path root, String format) {
    return open(root, format, root.resolve(VIDEO_CACHE));
  }

  /**
   * Opens {@code root} in {@code format}.
   *
   * @param videoCache where video datasets keep the extracted frames and audio
   */
  public static LoadedDataset open(Path root, String format, Path videoCache) {
    String name = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(name)) {
      throw new DatasetException(
          "unknown dataset format '" + format + "'; use one of " + String.join(", ", FORMATS));
    }
    if (name.equals("auto")) {
      name = detect(root);
    }
    return switch (name) {
      case VggssDataset.FORMAT -> VggssDataset.read(root);
      case FlickrDataset.FORMAT -> FlickrDataset.read(root);
      case FolderDataset.FORMAT -> FolderDataset.read(root);
      default -> VideoDataset.read(root, videoCache);
    };
  }

  /**
   * The layout of {@code root}, by the rules of the class comment.
   *
   * @throws DatasetException if the folder is missing or matches no layout
   */
  public static String detect(Path root) {
    MediaFolder.requireRoot(root, LAYOUTS);
    if (Files.isRegularFile(root.resolve(VggssDataset.ANNOTATIONS))) {
      return VggssDataset.FORMAT;
    }
    if (Files.isDirectory(root.resolve(FlickrDataset.ANNOTATIONS))) {
      return FlickrDataset.FORMAT;
    }
    boolean frames = Files.isDirectory(root.resolve("frames"));
    boolean audio = Files.isDirectory(root.resolve("audio"));
    if (frames && audio) {
      return FolderDataset.FORMAT;
    }
    if (hasVideos(root)) {
      return VideoDataset.FORMAT;
    }
    String found =
        frames ? " (it has frames/ but no audio/)" : audio ? " (it has audio/ but no frames/)" : "";
    throw new DatasetException(
        "cannot tell the layout of dataset folder " + root + found + "; expected " + LAYOUTS);
  }

  private static boolean hasVideos(Path root) {
    try (Stream<Path> files = Files.list(root)) {
      return files.anyMatch(
          f ->
              Files.isRegularFile(f)
                  && VideoDataset.EXTENSIONS.contains(
                      MediaFolder.extension(f.getFileName().toString())));
    } catch (IOException e) {
      throw new DatasetException("cannot list dataset folder " + root + ": " + e, e);
    }
  }
}
