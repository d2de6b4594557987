package io.avloc.training.data;

import io.avloc.core.metrics.VggssAnnotation;
import io.avloc.core.metrics.VggssAnnotations;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an evaluation set in the VGG-SS layout (docs/methods.md §1.4, §6.1):
 *
 * <pre>
 * root/vggss.json              [{"file": id, "class": ..., "bbox": [[x1, y1, x2, y2], ...]}, ...]
 * root/frames/&lt;id&gt;.jpg|png     one still frame per clip (EZ-VSL uses .jpg, FNAC .png)
 * root/audio/&lt;id&gt;.wav|ogg      the clip's audio
 * </pre>
 *
 * One {@link Sample} per {@code vggss.json} entry, annotated with {@link Annotation.Vggss} (an
 * empty box list means no visible source). As in the reference, entries whose frame or audio is
 * missing on disk are left out; unlike the reference, they are counted and the first few named in a
 * warning. Files on disk without an entry are not used.
 */
public final class VggssDataset {

  /** The format name, as {@link Datasets#open} takes it. */
  public static final String FORMAT = "vggss";

  /** The annotation file in the dataset root. */
  public static final String ANNOTATIONS = "vggss.json";

  static final String LAYOUT =
      "the VGG-SS layout: vggss.json, frames/<id>.jpg|png and audio/<id>.wav|ogg";

  private static final Logger LOG = LoggerFactory.getLogger(VggssDataset.class);

  private VggssDataset() {}

  /**
   * Reads the dataset under {@code root}.
   *
   * @throws DatasetException if a folder or {@code vggss.json} is missing or malformed, or no entry
   *     has both of its files
   */
  public static LoadedDataset read(Path root) {
    MediaFolder.requireRoot(root, LAYOUT);
    Path json = root.resolve(ANNOTATIONS);
    if (!Files.isRegularFile(json)) {
      throw new DatasetException(json + " does not exist; expected " + LAYOUT);
    }
    Map<String, VggssAnnotation> annotations = readAnnotations(json);
    MediaFolder frames =
        MediaFolder.scan(root.resolve("frames"), MediaFolder.IMAGE_EXTENSIONS, LAYOUT);
    MediaFolder audio =
        MediaFolder.scan(root.resolve("audio"), MediaFolder.AUDIO_EXTENSIONS, LAYOUT);

    List<Sample> samples = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (VggssAnnotation a : annotations.values()) {
      Path frame = frames.get(a.file());
      Path sound = audio.get(a.file());
      if (frame == null || sound == null) {
        missing.add(a.file() + " (" + missingParts(frame == null, sound == null) + ")");
        continue;
      }
      samples.add(sample(a, frame, sound));
    }
    if (samples.isEmpty()) {
      throw new DatasetException(
          "none of the "
              + annotations.size()
              + " clips listed in "
              + json
              + " has both its frame in frames/ and its audio in audio/ (e.g. "
              + MediaFolder.names(missing)
              + "); expected "
              + LAYOUT);
    }
    List<String> warnings = MediaFolder.leftOutWarnings(missing, annotations.size(), json);
    warnings.forEach(LOG::warn);
    samples.sort(Comparator.comparing(Sample::id));
    LOG.info("{}: {} VGG-SS clips", root, samples.size());
    return new LoadedDataset(root, FORMAT, samples, warnings);
  }

  /** A VGG-SS sample: its class ("" in the file means unknown) and its boxes. */
  static Sample sample(VggssAnnotation a, Path frame, Path audio) {
    String soundClass = a.soundClass().isEmpty() ? null : a.soundClass();
    return new Sample(a.file(), frame, audio, soundClass, new Annotation.Vggss(a.boxes()));
  }

  /** Reads {@code vggss.json} indexed by clip id; problems become {@link DatasetException}s. */
  static Map<String, VggssAnnotation> readAnnotations(Path json) {
    try {
      return VggssAnnotations.byFile(VggssAnnotations.read(json));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      String message = String.valueOf(e.getMessage());
      if (e instanceof UncheckedIOException io) {
        message += ": " + io.getCause();
      }
      if (!message.contains(json.toString())) {
        message = json + ": " + message;
      }
      throw new DatasetException(message + "; expected " + LAYOUT, e);
    }
  }

  static String missingParts(boolean noFrame, boolean noAudio) {
    return noFrame && noAudio ? "no frame, no audio" : noFrame ? "no frame" : "no audio";
  }
}
