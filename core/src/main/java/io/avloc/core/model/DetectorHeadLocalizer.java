package io.avloc.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Map;

/**
 * The trainable part of EZ-VSL on a <em>frozen</em> pretrained detector trunk (issue 10): the
 * visual features come from the COCO CenterNet ({@code io.avloc.core.detector.CenterNet}, run
 * elsewhere, e.g. on ONNX Runtime), this block projects them and pairs them with the preset's audio
 * network. One DJL block.
 *
 * <pre>
 * features (N,C,h,w) ─ L2 over channels ─ centre ─ dropout p ─ conv 1×1 C→D + bias ─ L2 ─ V
 *                      (when normalize-   (when     (training,                          (N,D,h,w)
 *                      Features, default) centre-   p = visual-
 *                                         Features) Dropout)
 * spectrogram (N,1,F,T) ─ audio ResNet-18 trunk ─ global max pool ─ [batch norm] ─ linear + bias
 *                        ─ L2 ─ A (N,D)          (batch norm when audioBatchNorm, see AudioPath)
 * simmap[i,p] = Σ_c V[i,c,p] · A[i,c]                                              (N,h,w)
 * </pre>
 *
 * <p><b>Why the first L2</b>: the detector's features are about 1.4× larger on the outer ring of
 * positions (measured in issue 10); a max-pooled (MIL) objective then prefers the border whatever
 * the picture. Normalising each position's feature vector first removes that magnitude bias, so
 * only the direction of the features — what is there — decides the map. It can be turned off
 * ({@link #normalizeFeatures()}): on the detector's class heatmaps (sigmoids, about 0 on the
 * background) it would blow the background's noise up to unit vectors pointing anywhere, which a
 * max-pooled objective then matches; there the magnitude — how sure the detector is that something
 * is there — is the signal.
 *
 * <p><b>Dropout</b>: FNAC's element-wise dropout on the visual features ({@link
 * AvLocalizerConfig#visualDropout()} of the config the head is built with; inverted scaling,
 * identity outside training and at p = 0), where {@link AvLocalizer} puts it: on what goes into the
 * 1×1 projection. It is a functional call, not a child block, because DJL writes every child's
 * version into the parameter file: heads with and without dropout keep one file layout, and the
 * heads saved before it existed still load.
 *
 * <p><b>Forward</b>: inputs {@link #INPUT_NAMES} {@code (features, spectrogram)}; outputs {@link
 * AvLocalizer#OUTPUT_NAMES} {@code (simmap, audio_emb, visual_map)} in {@link AvLocalizer}'s order
 * and meaning, so the contrastive losses, the trainer and the heat-map post-processing take this
 * block unchanged. The audio path is {@link AvLocalizer}'s (same block classes, the preset's widths
 * and {@link PaperInit} initialisation).
 */
public final class DetectorHeadLocalizer extends AbstractBlock {

  private static final byte VERSION = 1;

  /** Input names, in forward order (also the names a composed ONNX graph gives the head). */
  public static final List<String> INPUT_NAMES = List.of("features", "spectrogram");

  /**
   * Key of {@link #normalizeFeatures()} in the manifest's {@code network} table and in a run's
   * {@code head.json}; written only when the per-position L2 is off, so the files of every head
   * that has it (all heads before the option existed) are unchanged.
   */
  public static final String NORMALIZE_FEATURES = "normalizeFeatures";

  /**
   * Key of {@link #audioBatchNorm()} in the manifest's {@code network} table and in a run's {@code
   * head.json}; written only when on, so the files of every head without it are unchanged.
   */
  public static final String AUDIO_BATCH_NORM = "audioBatchNorm";

  /** Whether a head L2-normalises each position's features when nothing says otherwise. */
  public static final boolean DEFAULT_NORMALIZE_FEATURES = true;

  private final AvLocalizerConfig audioConfig;
  private final int featureChannels;
  private final boolean centreFeatures;
  private final boolean normalizeFeatures;
  private final L2Normalize featureNorm;
  private final Conv2d visualProjection;
  private final L2Normalize visualNorm;
  private final AudioPath audioPath;

  /**
   * A head over {@code featureChannels}-channel detector features.
   *
   * @param audioConfig the preset whose audio widths, embedding size D, τ, spectrogram shape and
   *     visual dropout (FNAC's, on the features in training) the head uses (its image settings are
   *     not used: the detector sees the picture)
   * @param featureChannels C of the detector features (256 for CenterNet's head features)
   */
  public DetectorHeadLocalizer(AvLocalizerConfig audioConfig, int featureChannels) {
    this(audioConfig, featureChannels, false);
  }

  /**
   * As {@link #DetectorHeadLocalizer(AvLocalizerConfig, int)}; with {@code centreFeatures} the
   * per-position unit vectors of each picture have their mean over the picture's positions
   * subtracted before the projection (no parameters). Why: the detector's features are ReLU
   * outputs, all in the positive orthant, so every position of a picture points much the same way;
   * what is left after removing the picture's mean direction is what makes a position differ from
   * the rest of its picture (a pasted object from its background).
   */
  public DetectorHeadLocalizer(
      AvLocalizerConfig audioConfig, int featureChannels, boolean centreFeatures) {
    this(audioConfig, featureChannels, centreFeatures, DEFAULT_NORMALIZE_FEATURES);
  }

  /**
   * As {@link #DetectorHeadLocalizer(AvLocalizerConfig, int, boolean)}; without {@code
   * normalizeFeatures} the detector's features go into the projection as they are, without the
   * per-position L2 (for the class heatmaps, whose near-zero background the L2 would turn into
   * unit-length noise); with centring, each picture's mean feature vector is then subtracted. The
   * L2 of the projected map stays either way.
   */
  public DetectorHeadLocalizer(
      AvLocalizerConfig audioConfig,
      int featureChannels,
      boolean centreFeatures,
      boolean normalizeFeatures) {
    this(audioConfig, featureChannels, centreFeatures, normalizeFeatures, false);
  }

  /**
   * As {@link #DetectorHeadLocalizer(AvLocalizerConfig, int, boolean, boolean)}; with {@code
   * audioBatchNorm} the audio path standardises its pooled features over the batch before the
   * projection ({@code AudioPath}: a trunk trained from scratch pools every sound to nearly the
   * same vector, which keeps the contrastive losses at chance).
   */
  public DetectorHeadLocalizer(
      AvLocalizerConfig audioConfig,
      int featureChannels,
      boolean centreFeatures,
      boolean normalizeFeatures,
      boolean audioBatchNorm) {
    super(VERSION);
    this.centreFeatures = centreFeatures;
    this.normalizeFeatures = normalizeFeatures;
    if (featureChannels <= 0) {
      throw new IllegalArgumentException("featureChannels must be positive: " + featureChannels);
    }
    this.audioConfig = audioConfig;
    this.featureChannels = featureChannels;
    int d = audioConfig.embeddingDim();
    // a child even when unused: it has no parameters, and the parameter files of heads with and
    // without it keep one layout
    featureNorm = addChildBlock("featureNorm", new L2Normalize());
    visualProjection =
        addChildBlock(
            "visualProjection",
            Conv2d.builder().setFilters(d).setKernelShape(new Shape(1, 1)).optBias(true).build());
    visualNorm = addChildBlock("visualNorm", new L2Normalize());
    audioPath = AudioPath.add(audioConfig, this::addChildBlock, audioBatchNorm);
    PaperInit.apply(this);
  }

  /** Input shapes for a batch: features (N, C, h, w) and the preset's spectrogram (N, 1, F, T). */
  public Shape[] inputShapes(long batch, int mapHeight, int mapWidth) {
    return new Shape[] {
      new Shape(batch, featureChannels, mapHeight, mapWidth), audioConfig.spectrogramShape(batch)
    };
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() != 2) {
      throw new IllegalArgumentException(
          "DetectorHeadLocalizer takes (features, spectrogram), got " + inputs.size() + " arrays");
    }
    NDArray features = inputs.get(0);
    if (features.getShape().dimension() != 4 || features.getShape().get(1) != featureChannels) {
      throw new IllegalArgumentException(
          "features must be (N, "
              + featureChannels
              + ", h, w) detector features, got "
              + features.getShape());
    }
    NDList v =
        normalizeFeatures
            ? featureNorm.forward(ps, new NDList(features), training, params)
            : new NDList(features);
    if (centreFeatures) {
      NDArray f = v.singletonOrThrow();
      v = new NDList(f.sub(f.mean(new int[] {3}, true).mean(new int[] {2}, true)));
    }
    float dropout = audioConfig.visualDropout();
    if (training && dropout > 0) {
      v = Dropout.dropout(v.singletonOrThrow(), dropout, true);
    }
    v = visualProjection.forward(ps, v, training, params);
    NDArray visual = visualNorm.forward(ps, v, training, params).singletonOrThrow();

    NDArray audio = audioPath.forward(ps, inputs.get(1), training, params);

    NDArray simmap = AvLocalizer.ownPairSimilarity(visual, audio);
    simmap.setName(AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.SIMMAP));
    audio.setName(AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.AUDIO_EMB));
    visual.setName(AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.VISUAL_MAP));
    return new NDList(simmap, audio, visual);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape f = inputShapes[0];
    long d = audioConfig.embeddingDim();
    return new Shape[] {
      new Shape(f.get(0), f.get(2), f.get(3)),
      new Shape(inputShapes[1].get(0), d),
      new Shape(f.get(0), d, f.get(2), f.get(3))
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    if (inputShapes.length != 2) {
      throw new IllegalArgumentException("DetectorHeadLocalizer takes (features, spectrogram)");
    }
    featureNorm.initialize(manager, dataType, inputShapes[0]);
    visualProjection.initialize(manager, dataType, inputShapes[0]);
    visualNorm.initialize(
        manager, dataType, visualProjection.getOutputShapes(new Shape[] {inputShapes[0]})[0]);

    audioPath.initialize(manager, dataType, inputShapes[1]);
  }

  /** The preset the audio path, D, τ and the visual dropout come from. */
  public AvLocalizerConfig audioConfig() {
    return audioConfig;
  }

  /**
   * Whether each picture's mean feature vector is subtracted before the projection (after the
   * per-position L2 when that is on).
   */
  public boolean centreFeatures() {
    return centreFeatures;
  }

  /**
   * Whether each position's detector features are L2-normalised before the projection ({@link
   * #DEFAULT_NORMALIZE_FEATURES}); off for raw features.
   */
  public boolean normalizeFeatures() {
    return normalizeFeatures;
  }

  /**
   * Records {@link #normalizeFeatures()} ({@value #NORMALIZE_FEATURES}, only when off) and {@link
   * #audioBatchNorm()} ({@value #AUDIO_BATCH_NORM}, only when on) in a manifest's {@code network}
   * table or a {@code head.json}'s {@code head} table, so the files of every head with neither
   * option stay as they were; {@link #normalizeFeatures(Map)} and {@link #audioBatchNorm(Map)} read
   * them.
   */
  public void recordHeadOptions(Map<String, Object> table) {
    if (normalizeFeatures != DEFAULT_NORMALIZE_FEATURES) {
      table.put(NORMALIZE_FEATURES, normalizeFeatures);
    }
    if (audioBatchNorm() != null) {
      table.put(AUDIO_BATCH_NORM, true);
    }
  }

  /** The batch norm over the pooled audio features, or {@code null} when the head has none. */
  public BatchNorm2d audioBatchNorm() {
    return audioPath.batchNorm();
  }

  /**
   * Whether a manifest's {@code network} table or a {@code head.json}'s {@code head} table says the
   * head has {@link #audioBatchNorm()} ({@value #AUDIO_BATCH_NORM}; absent means no).
   *
   * @throws IllegalArgumentException when the value is there but not a boolean
   */
  public static boolean audioBatchNorm(Map<?, ?> table) {
    return flag(table, AUDIO_BATCH_NORM, false);
  }

  /**
   * {@link #normalizeFeatures()} as a manifest's {@code network} table or a {@code head.json}'s
   * {@code head} table records it ({@value #NORMALIZE_FEATURES}): absent means {@link
   * #DEFAULT_NORMALIZE_FEATURES}, as for every head written before the option existed.
   *
   * @throws IllegalArgumentException when the value is there but not a boolean
   */
  public static boolean normalizeFeatures(Map<?, ?> table) {
    return flag(table, NORMALIZE_FEATURES, DEFAULT_NORMALIZE_FEATURES);
  }

  /** A boolean head option of {@code table}: {@code absent} when it is not there. */
  private static boolean flag(Map<?, ?> table, String key, boolean absent) {
    Object value = table == null ? null : table.get(key);
    if (value == null) {
      return absent;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(
        key + " must be true or false, not " + value + "; rewrite the model's files");
  }

  /** C of the detector features this head takes. */
  public int featureChannels() {
    return featureChannels;
  }

  /**
   * Per-position L2 normalisation of the detector features (no parameters; not applied when {@link
   * #normalizeFeatures()} is off).
   */
  public L2Normalize featureNorm() {
    return featureNorm;
  }

  /** Visual projection, 1×1 conv C → D with bias. */
  public Conv2d visualProjection() {
    return visualProjection;
  }

  /** L2 normalisation of the projected visual map over channels. */
  public L2Normalize visualNorm() {
    return visualNorm;
  }

  /** Audio ResNet-18 trunk with a 1-channel stem, (N,1,F,T) → (N, C_a, f, t). */
  public ResNet18Trunk audioTrunk() {
    return audioPath.trunk();
  }

  /** Global max pool over (f, t). */
  public GlobalMaxPool audioPool() {
    return audioPath.pool();
  }

  /** Audio projection, linear C_a → D with bias. */
  public Linear audioProjection() {
    return audioPath.projection();
  }

  /** L2 normalisation of the audio embedding. */
  public L2Normalize audioNorm() {
    return audioPath.norm();
  }
}
