package io.avloc.modelserver.engine;

import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.artifact.TensorSpec;

/**
 * The sizes a caller needs to feed a model and read its outputs, from its manifest.
 *
 * @param imageSize S of the n × 3 × S × S image input
 * @param frequencyBins F of the n × 1 × F × T spectrogram input
 * @param frames the T the model was exported for (the window's spectrogram frames)
 * @param mapHeight h of the n × h × w similarity map
 * @param mapWidth w of the similarity map
 * @param embeddingDim D of the n × D audio embeddings
 */
public record ModelShape(
    int imageSize, int frequencyBins, int frames, int mapHeight, int mapWidth, int embeddingDim) {

  /**
   * The shape a manifest declares.
   *
   * @throws InvalidArtifactException when the manifest lacks the image/spectrogram inputs or the
   *     simmap/audio_emb outputs
   */
  public static ModelShape of(ModelManifest m) {
    TensorSpec image = m.inputs().get("image");
    TensorSpec spec = m.inputs().get("spectrogram");
    TensorSpec simmap = m.outputs().get("simmap");
    TensorSpec audio = m.outputs().get("audio_emb");
    if (image == null || spec == null || simmap == null || audio == null) {
      throw new InvalidArtifactException(
          "manifest of "
              + m.id()
              + " must declare inputs image, spectrogram and outputs simmap, audio_emb");
    }
    return new ModelShape(
        (int) image.size(2),
        (int) spec.size(2),
        m.preprocessing().audio().frames(),
        (int) simmap.size(1),
        (int) simmap.size(2),
        (int) audio.size(1));
  }

  /** Floats of one image. */
  public int imageFloats() {
    return 3 * imageSize * imageSize;
  }

  /** Floats of one spectrogram of {@code t} frames. */
  public int spectrogramFloats(int t) {
    return frequencyBins * t;
  }

  /** Floats of one similarity map. */
  public int mapFloats() {
    return mapHeight * mapWidth;
  }
}
