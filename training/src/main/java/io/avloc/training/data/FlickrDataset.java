package io.avloc.training.data;

import io.avloc.core.metrics.FlickrAnnotations;
import io.avloc.core.metrics.PixelBox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the Flickr-SoundNet test set (docs/methods.md §1.4, §6.1):
 *
 * <pre>
 * root/Annotations/&lt;id&gt;.xml    the boxes of the (three) annotators, 256×256 frame
 * root/frames/&lt;id&gt;.jpg         one still frame per clip (.png also accepted)
 * root/audio/&lt;id&gt;.wav          the clip's audio (.ogg also accepted)
 * root/flickr_test.csv         optional: the clip ids in column 0 (other columns are ignored)
 * </pre>
 *
 * Without the CSV every annotation file is a clip. As in the reference, the listed clips whose
 * frame, audio or annotation is missing are left out; they are counted and the first few named in a
 * warning. A malformed annotation is an error naming the file.
 */
public final class FlickrDataset {

  /** The format name, as {@link Datasets#open} takes it. */
  public static final String FORMAT = "flickr";

  /** The annotation folder in the dataset root. */
  public static final String ANNOTATIONS = "Annotations";

  /** The optional id list in the dataset root. */
  public static final String ID_LIST = "flickr_test.csv";

  static final String LAYOUT =
      "the Flickr-SoundNet layout: Annotations/<id>.xml, frames/<id>.jpg, audio/<id>.wav and"
          + " optionally flickr_test.csv";

  private static final Logger LOG = LoggerFactory.getLogger(FlickrDataset.class);

  private FlickrDataset() {}

  /**
   * Reads the dataset under {@code root}.
   *
   * @throws DatasetException if a folder is missing, an annotation or the id list is malformed, or
   *     no listed clip has all of its files
   */
  public static LoadedDataset read(Path root) {
    MediaFolder.requireRoot(root, LAYOUT);
    MediaFolder annotations = MediaFolder.scan(root.resolve(ANNOTATIONS), List.of("xml"), LAYOUT);
    MediaFolder frames =
        MediaFolder.scan(root.resolve("frames"), MediaFolder.IMAGE_EXTENSIONS, LAYOUT);
    MediaFolder audio =
        MediaFolder.scan(root.resolve("audio"), MediaFolder.AUDIO_EXTENSIONS, LAYOUT);
    Path csv = root.resolve(ID_LIST);
    boolean listed = Files.isRegularFile(csv);
    Set<String> ids = listed ? readIdList(csv) : annotations.byStem().keySet();
    String source = listed ? csv.toString() : annotations.dir().toString();

    List<Sample> samples = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      Path xml = annotations.get(id);
      Path frame = frames.get(id);
      Path sound = audio.get(id);
      if (xml == null || frame == null || sound == null) {
        missing.add(id + " (" + missingParts(xml == null, frame == null, sound == null) + ")");
        continue;
      }
      samples.add(new Sample(id, frame, sound, null, new Annotation.Flickr(boxes(xml))));
    }
    if (samples.isEmpty()) {
      throw new DatasetException(
          ids.isEmpty()
              ? source + " lists no clips; expected " + LAYOUT
              : "none of the "
                  + ids.size()
                  + " clips listed in "
                  + source
                  + " has its annotation, frame and audio (e.g. "
                  + MediaFolder.names(missing)
                  + "); expected "
                  + LAYOUT);
    }
    List<String> warnings = MediaFolder.leftOutWarnings(missing, ids.size(), source);
    warnings.forEach(LOG::warn);
    LOG.info("{}: {} Flickr-SoundNet clips", root, samples.size());
    return new LoadedDataset(root, FORMAT, samples, warnings);
  }

  /**
   * Reads the ids in column 0 of a CSV such as {@code flickr_test.csv}: the text of each non-blank
   * line up to the first comma, trimmed, unquoted. Sorted, duplicates removed.
   */
  static Set<String> readIdList(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DatasetException("cannot read id list " + csv + ": " + e, e);
    }
    Set<String> ids = new TreeSet<>();
    for (String line : lines) {
      String id = line.replace("\uFEFF", "");
      int comma = id.indexOf(',');
      id = (comma < 0 ? id : id.substring(0, comma)).strip();
      if (id.length() >= 2 && id.startsWith("\"") && id.endsWith("\"")) {
        id = id.substring(1, id.length() - 1).strip();
      }
      if (!id.isEmpty()) {
        ids.add(id);
      }
    }
    return ids;
  }

  private static List<PixelBox> boxes(Path xml) {
    try {
      return FlickrAnnotations.read(xml);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      String message = String.valueOf(e.getMessage());
      if (e instanceof UncheckedIOException io) {
        message += ": " + io.getCause();
      }
      throw new DatasetException(message + "; expected " + LAYOUT, e);
    }
  }

  private static String missingParts(boolean noXml, boolean noFrame, boolean noAudio) {
    List<String> parts = new ArrayList<>();
    if (noXml) {
      parts.add("no annotation");
    }
    if (noFrame) {
      parts.add("no frame");
    }
    if (noAudio) {
      parts.add("no audio");
    }
    return String.join(", ", parts);
  }
}
