package io.avloc.training.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One audio-visual clip of a dataset: a still frame, the audio recorded with it, and, in evaluation
 * sets, where the sound comes from.
 *
 * @param id the clip id, unique in its dataset (VGG-SS's {@code file}, a Flickr id, a file stem)
 * @param image the still frame (JPEG or PNG)
 * @param audio the audio (WAV or OGG, any supported rate; or the video file for video datasets)
 * @param soundClass the class heard, or {@code null} when unknown
 * @param annotation where the sound comes from, or {@code null} for an unannotated training clip
 */
public record Sample(String id, Path image, Path audio, String soundClass, Annotation annotation) {

  public Sample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(audio, "audio");
  }

  /** An unannotated training clip. */
  public static Sample unannotated(String id, Path image, Path audio) {
    return new Sample(id, image, audio, null, null);
  }

  /** Whether the clip has ground truth (an annotation, possibly saying "no visible source"). */
  public boolean annotated() {
    return annotation != null;
  }
}
