package io.avloc.modelserver.engine;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.detector.DetectorTrunk;
import io.avloc.core.detector.ObjectGuidance;
import io.avloc.core.model.AvLocalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link InferenceEngine} over DJL models: one dynamic-batch graph, or several fixed-batch
 * graphs that a {@link FixedBatchPlan} splits and pads batches onto. Every thread gets its own
 * predictor per graph (DJL predictors are not thread-safe); all are closed with the engine.
 */
final class DjlEngine implements InferenceEngine {

  /** Key of the single graph of a dynamic-batch engine. */
  static final int DYNAMIC = 0;

  private static final String SIMMAP = AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.SIMMAP);
  private static final String AUDIO_EMB = AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.AUDIO_EMB);

  /** Where a composed graph puts the class heatmaps: after the head's three outputs. */
  private static final int CLASS_HEATMAPS_INDEX = AvLocalizer.OUTPUT_NAMES.size();

  private final EngineKind kind;
  private final ModelManifest manifest;
  private final ModelShape shape;
  private final ObjectGuidance guidance;
  private final Map<Integer, Model> graphs;
  private final FixedBatchPlan plan;
  private final ThreadLocal<Map<Integer, Predictor<NDList, NDList>>> predictors =
      ThreadLocal.withInitial(HashMap::new);
  private final List<Predictor<NDList, NDList>> opened = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param graphs by batch size; the single key {@link #DYNAMIC} for a dynamic-batch graph. The
   *     engine owns (closes) them.
   */
  DjlEngine(EngineKind kind, ModelManifest manifest, Map<Integer, ? extends Model> graphs) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.manifest = Objects.requireNonNull(manifest, "manifest");
    this.shape = ModelShape.of(manifest);
    this.guidance = ObjectGuidance.of(manifest).orElse(null);
    this.graphs = Map.copyOf(graphs);
    if (this.graphs.isEmpty()) {
      throw new IllegalArgumentException("no graph");
    }
    this.plan =
        this.graphs.containsKey(DYNAMIC)
            ? null
            : new FixedBatchPlan(new ArrayList<>(this.graphs.keySet()));
  }

  @Override
  public EngineKind kind() {
    return kind;
  }

  @Override
  public ModelManifest manifest() {
    return manifest;
  }

  @Override
  public ModelShape shape() {
    return shape;
  }

  @Override
  public InferenceEngine.Outputs run(float[] images, float[] spectrograms, int n, int frames) {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(spectrograms, "spectrograms");
    if (closed) {
      throw new IllegalStateException(name() + " engine of " + manifest.id() + " is closed");
    }
    if (n < 1 || frames < 1) {
      throw new IllegalArgumentException(
          "batch size and frames must be positive, got n=" + n + ", frames=" + frames);
    }
    int s = shape.imageSize();
    if (images.length != n * shape.imageFloats()) {
      throw new IllegalArgumentException(
          "images hold " + images.length + " floats, need " + n + "x3x" + s + "x" + s);
    }
    if (spectrograms.length != n * shape.spectrogramFloats(frames)) {
      throw new IllegalArgumentException(
          "spectrograms hold "
              + spectrograms.length
              + " floats, need "
              + n
              + "x1x"
              + shape.frequencyBins()
              + "x"
              + frames);
    }
    if (plan == null) {
      return predict(DYNAMIC, images, spectrograms, n, frames);
    }
    if (frames != shape.frames()) {
      throw new IllegalArgumentException(
          name()
              + " runs fixed-shape graphs exported for "
              + shape.frames()
              + " spectrogram frames, got "
              + frames);
    }
    List<InferenceEngine.Outputs> parts = new ArrayList<>();
    int done = 0;
    for (FixedBatchPlan.Chunk c : plan.split(n)) {
      int b = c.graphBatch();
      int k = c.samples();
      float[] img = new float[b * shape.imageFloats()];
      float[] spec = new float[b * shape.spectrogramFloats(frames)];
      System.arraycopy(images, done * shape.imageFloats(), img, 0, k * shape.imageFloats());
      int specFloats = shape.spectrogramFloats(frames);
      System.arraycopy(spectrograms, done * specFloats, spec, 0, k * specFloats);
      parts.add(predict(b, img, spec, b, frames).head(k));
      done += k;
    }
    return InferenceEngine.Outputs.concat(parts);
  }

  private InferenceEngine.Outputs predict(
      int graph, float[] images, float[] spectrograms, int n, int frames) {
    Model model = graphs.get(graph);
    Predictor<NDList, NDList> predictor = predictor(graph, model);
    int s = shape.imageSize();
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray image = m.create(images, new Shape(n, 3, s, s));
      image.setName(AvLocalizer.INPUT_NAMES.get(0));
      NDArray spec = m.create(spectrograms, new Shape(n, 1, shape.frequencyBins(), frames));
      spec.setName(AvLocalizer.INPUT_NAMES.get(1));
      NDList out = predictor.predict(new NDList(image, spec));
      float[] simmap = output(out, SIMMAP, AvLocalizer.SIMMAP).toFloatArray();
      float[] audio = output(out, AUDIO_EMB, AvLocalizer.AUDIO_EMB).toFloatArray();
      if (simmap.length != n * shape.mapFloats() || audio.length != n * shape.embeddingDim()) {
        throw new IllegalStateException(
            name()
                + " returned "
                + simmap.length
                + " simmap and "
                + audio.length
                + " embedding floats for a batch of "
                + n
                + "; the manifest of "
                + manifest.id()
                + " promises "
                + shape.mapFloats()
                + " and "
                + shape.embeddingDim()
                + " per sample");
      }
      return new InferenceEngine.Outputs(
          n, shape.mapHeight(), shape.mapWidth(), simmap, audio, classHeatmaps(out, n));
    } catch (TranslateException e) {
      throw new IllegalStateException(
          name() + " inference of " + manifest.id() + " failed: " + e.getMessage(), e);
    }
  }

  /** The class heatmaps of a model with {@link ObjectGuidance}, checked against it; else null. */
  private float[] classHeatmaps(NDList out, int n) {
    if (guidance == null) {
      return null;
    }
    float[] values = output(out, DetectorTrunk.CLASS_HEATMAPS, CLASS_HEATMAPS_INDEX).toFloatArray();
    if (values.length != n * guidance.floats()) {
      throw new IllegalStateException(
          name()
              + " returned "
              + values.length
              + " class-heatmap floats for a batch of "
              + n
              + "; the manifest of "
              + manifest.id()
              + " promises "
              + guidance.floats()
              + " per sample");
    }
    return values;
  }

  /** Outputs by name where the engine names them, else by the network's output order. */
  private static NDArray output(NDList out, String name, int index) {
    return out.contains(name) ? out.get(name) : out.get(index);
  }

  private Predictor<NDList, NDList> predictor(int graph, Model model) {
    Map<Integer, Predictor<NDList, NDList>> mine = predictors.get();
    Predictor<NDList, NDList> p = mine.get(graph);
    if (p == null) {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException(name() + " engine of " + manifest.id() + " is closed");
        }
        p = model.newPredictor(new NoopTranslator());
        opened.add(p);
      }
      mine.put(graph, p);
    }
    return p;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    for (Predictor<NDList, NDList> p : opened) {
      try {
        p.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    opened.clear();
    for (Model m : graphs.values()) {
      try {
        m.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return manifest.id() + " on " + name();
  }
}
