package io.avloc.training.data;

import io.avloc.core.metrics.VggssAnnotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads any folder of clips, the usual training layout (e.g. VGGSound or Flickr training data, or
 * the output of {@link VideoDataset}):
 *
 * <pre>
 * root/frames/&lt;id&gt;.jpg|jpeg|png
 * root/audio/&lt;id&gt;.wav|ogg
 * root/vggss.json              optional: boxes for some or all clips
 * </pre>
 *
 * Frames and audio are paired by file stem. Files without a partner, and files with other
 * extensions, are not used; they are counted and the first few named in a warning. Clips listed in
 * a {@code vggss.json} are annotated ({@link Annotation.Vggss}), the others are not. Unlike {@link
 * VggssDataset}, every pair on disk is a clip, listed in the JSON or not.
 */
public final class FolderDataset {

  /** The format name, as {@link Datasets#open} takes it. */
  public static final String FORMAT = "folder";

  static final String LAYOUT =
      "a clip folder: frames/<id>.jpg|png and audio/<id>.wav|ogg, paired by file name";

  private static final Logger LOG = LoggerFactory.getLogger(FolderDataset.class);

  private FolderDataset() {}

  /**
   * Reads the clips under {@code root}.
   *
   * @throws DatasetException if {@code frames/} or {@code audio/} is missing, two files of one
   *     folder share a stem, {@code vggss.json} is malformed, or no frame has its audio
   */
  public static LoadedDataset read(Path root) {
    MediaFolder.requireRoot(root, LAYOUT);
    MediaFolder frames =
        MediaFolder.scan(root.resolve("frames"), MediaFolder.IMAGE_EXTENSIONS, LAYOUT);
    MediaFolder audio =
        MediaFolder.scan(root.resolve("audio"), MediaFolder.AUDIO_EXTENSIONS, LAYOUT);
    Path json = root.resolve(VggssDataset.ANNOTATIONS);
    Map<String, VggssAnnotation> annotations =
        Files.isRegularFile(json) ? VggssDataset.readAnnotations(json) : Map.of();

    List<Sample> samples = new ArrayList<>();
    List<String> framesOnly = new ArrayList<>();
    int annotated = 0;
    for (Map.Entry<String, Path> e : frames.byStem().entrySet()) {
      String id = e.getKey();
      Path sound = audio.get(id);
      if (sound == null) {
        framesOnly.add(e.getValue().getFileName().toString());
        continue;
      }
      VggssAnnotation a = annotations.get(id);
      if (a != null) {
        annotated++;
        samples.add(VggssDataset.sample(a, e.getValue(), sound));
      } else {
        samples.add(Sample.unannotated(id, e.getValue(), sound));
      }
    }
    List<String> audioOnly = new ArrayList<>();
    for (Map.Entry<String, Path> e : audio.byStem().entrySet()) {
      if (frames.get(e.getKey()) == null) {
        audioOnly.add(e.getValue().getFileName().toString());
      }
    }
    if (samples.isEmpty()) {
      throw new DatasetException(
          "no clip in "
              + root
              + " has both a frame and audio ("
              + frames.byStem().size()
              + " frame(s), "
              + audio.byStem().size()
              + " audio file(s) with matching extensions); expected "
              + LAYOUT);
    }
    List<String> warnings = new ArrayList<>();
    if (!framesOnly.isEmpty()) {
      warnings.add(
          framesOnly.size()
              + " frame(s) in "
              + frames.dir()
              + " have no audio file of the same name and were not used: "
              + MediaFolder.names(framesOnly));
    }
    if (!audioOnly.isEmpty()) {
      warnings.add(
          audioOnly.size()
              + " audio file(s) in "
              + audio.dir()
              + " have no frame of the same name and were not used: "
              + MediaFolder.names(audioOnly));
    }
    addIfPresent(warnings, frames.ignoredWarning(MediaFolder.IMAGE_EXTENSIONS));
    addIfPresent(warnings, audio.ignoredWarning(MediaFolder.AUDIO_EXTENSIONS));
    warnings.forEach(LOG::warn);
    LOG.info(
        "{}: {} clips{}",
        root,
        samples.size(),
        annotations.isEmpty() ? "" : ", " + annotated + " annotated by " + json.getFileName());
    return new LoadedDataset(root, FORMAT, samples, warnings);
  }

  private static void addIfPresent(List<String> warnings, String warning) {
    if (warning != null) {
      warnings.add(warning);
    }
  }
}
