package io.avloc.training.data;

import io.avloc.core.audio.AudioClip;
import io.avloc.core.image.RgbImage;
import java.util.Objects;

/**
 * A training clip made in memory rather than read from files (see {@link ClipComposer}).
 *
 * @param id a name for error messages and batch ids, unique within its epoch
 * @param image the decoded frame, at any size (the loader's preprocessing resizes it)
 * @param audio the sound, at any supported rate
 */
public record ComposedClip(String id, RgbImage image, AudioClip audio) {

  public ComposedClip {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(audio, "audio");
  }
}
