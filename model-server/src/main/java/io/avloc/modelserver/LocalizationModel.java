package io.avloc.modelserver;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.artifact.TensorSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verified model artifact loaded on DJL's ONNX Runtime engine (the dynamic-batch {@code
 * model.onnx}), running batches of preprocessed inputs. Thread-safe: DJL predictors are not, so
 * each calling thread gets its own ({@link #newSession()}); the model itself is shared.
 */
public final class LocalizationModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalizationModel.class);

  private final ModelArtifact artifact;
  private final ZooModel<NDList, NDList> model;
  private final int imageSize;
  private final int frequencyBins;
  private final int mapHeight;
  private final int mapWidth;
  private final int embeddingDim;
  private final List<Session> sessions = new ArrayList<>();

  private LocalizationModel(ModelArtifact artifact, ZooModel<NDList, NDList> model) {
    this.artifact = artifact;
    this.model = model;
    ModelManifest m = artifact.manifest();
    TensorSpec image = m.inputs().get("image");
    TensorSpec spec = m.inputs().get("spectrogram");
    TensorSpec simmap = m.outputs().get("simmap");
    TensorSpec audio = m.outputs().get("audio_emb");
    if (image == null || spec == null || simmap == null || audio == null) {
      throw new InvalidArtifactException(
          artifact.dir()
              + ": manifest must declare inputs image, spectrogram and outputs simmap,"
              + " audio_emb");
    }
    this.imageSize = (int) image.size(2);
    this.frequencyBins = (int) spec.size(2);
    this.mapHeight = (int) simmap.size(1);
    this.mapWidth = (int) simmap.size(2);
    this.embeddingDim = (int) audio.size(1);
  }

  /**
   * Loads and verifies {@code artifact} on ONNX Runtime, then runs one warm-up batch so the first
   * real request does not pay for graph initialization.
   */
  public static LocalizationModel load(ModelArtifact artifact) {
    // DJL's OnnxRuntime engine must create the OrtEnvironment before anyone else does.
    Engine.getEngine("OnnxRuntime");
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(artifact.onnx())
            .optEngine("OnnxRuntime")
            .optTranslator(new NoopTranslator())
            .build();
    ZooModel<NDList, NDList> zoo;
    try {
      zoo = criteria.loadModel();
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw new InvalidArtifactException(
          "ONNX Runtime cannot load " + artifact.onnx() + ": " + e.getMessage(), e);
    }
    LocalizationModel m = new LocalizationModel(artifact, zoo);
    long t0 = System.nanoTime();
    try (Session s = m.newSession()) {
      int frames = artifact.manifest().preprocessing().audio().frames();
      s.run(
          new float[3 * m.imageSize * m.imageSize], new float[m.frequencyBins * frames], 1, frames);
    }
    LOG.info(
        "model {} loaded on ONNX Runtime from {} (warm-up {} ms)",
        artifact.manifest().id(),
        artifact.dir(),
        (System.nanoTime() - t0) / 1_000_000);
    return m;
  }

  public ModelManifest manifest() {
    return artifact.manifest();
  }

  public int imageSize() {
    return imageSize;
  }

  public int mapHeight() {
    return mapHeight;
  }

  public int mapWidth() {
    return mapWidth;
  }

  public int embeddingDim() {
    return embeddingDim;
  }

  /** A predictor for the calling thread; close it when the thread is done. */
  public synchronized Session newSession() {
    Session s = new Session(model.newPredictor());
    sessions.add(s);
    return s;
  }

  @Override
  public synchronized void close() {
    for (Session s : sessions) {
      s.predictor.close();
    }
    sessions.clear();
    model.close();
  }

  /** Graph output order, as written by {@link io.avloc.core.onnx.OnnxExporter}. */
  private static final class AvLocalizerOutputs {
    static final int SIMMAP = io.avloc.core.model.AvLocalizer.SIMMAP;
    static final int AUDIO_EMB = io.avloc.core.model.AvLocalizer.AUDIO_EMB;
  }

  /** One thread's handle on the model. */
  public final class Session implements AutoCloseable {
    private final Predictor<NDList, NDList> predictor;

    private Session(Predictor<NDList, NDList> predictor) {
      this.predictor = predictor;
    }

    /**
     * Runs a batch.
     *
     * @param images n normalized CHW images, concatenated: n × 3 × S × S floats
     * @param spectrograms n log spectrograms, concatenated: n × 257 × frames floats
     * @param n batch size
     * @param frames spectrogram frames T (200 for 3 s at 16 kHz)
     * @return the own-pair similarity maps and audio embeddings
     */
    public Outputs run(float[] images, float[] spectrograms, int n, int frames) {
      Objects.requireNonNull(images, "images");
      Objects.requireNonNull(spectrograms, "spectrograms");
      if (images.length != n * 3 * imageSize * imageSize) {
        throw new IllegalArgumentException(
            "images hold "
                + images.length
                + " floats, need "
                + n
                + "x3x"
                + imageSize
                + "x"
                + imageSize);
      }
      if (spectrograms.length != n * frequencyBins * frames) {
        throw new IllegalArgumentException(
            "spectrograms hold "
                + spectrograms.length
                + " floats, need "
                + n
                + "x1x"
                + frequencyBins
                + "x"
                + frames);
      }
      try (NDManager m = model.getNDManager().newSubManager()) {
        NDArray image = m.create(images, new Shape(n, 3, imageSize, imageSize));
        image.setName("image");
        NDArray spec = m.create(spectrograms, new Shape(n, 1, frequencyBins, frames));
        spec.setName("spectrogram");
        NDList out = predictor.predict(new NDList(image, spec));
        return new Outputs(
            n,
            mapHeight,
            mapWidth,
            out.get(AvLocalizerOutputs.SIMMAP).toFloatArray(),
            out.get(AvLocalizerOutputs.AUDIO_EMB).toFloatArray());
      } catch (TranslateException e) {
        throw new IllegalStateException("inference failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      synchronized (LocalizationModel.this) {
        if (sessions.remove(this)) {
          predictor.close();
        }
      }
    }
  }

  /**
   * Outputs of one batch.
   *
   * @param simmap n × h × w own-pair cosine similarities, row-major per sample
   * @param audioEmbeddings n × D audio embeddings
   */
  public record Outputs(int n, int height, int width, float[] simmap, float[] audioEmbeddings) {

    /** Sample {@code i}'s h × w similarity map (a copy). */
    public float[] simmap(int i) {
      float[] out = new float[height * width];
      System.arraycopy(simmap, i * height * width, out, 0, out.length);
      return out;
    }
  }
}
