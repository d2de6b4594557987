package io.avloc.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * The EZ-VSL / MarginNCE / FNAC audio-visual localisation network (docs/methods.md §2), one DJL
 * block.
 *
 * <pre>
 * image (N,3,H,W) ─ visual trunk ─ dropout (train only) ─ conv 1×1 + bias ─ L2 over channels ─ V (N,D,h,w)
 * spectrogram (N,1,F,T) ─ audio trunk ─ global max pool ─ linear + bias ─ L2 ─ A (N,D)
 * simmap[i,p] = Σ_c V[i,c,p] · A[i,c]                                              (N,h,w)
 * </pre>
 *
 * Both trunks are torchvision-layout {@link ResNet18Trunk}s (the audio one with a 1-channel stem);
 * h = w = H/32.
 *
 * <p><b>Forward</b>: inputs {@code (image, spectrogram)}, outputs, in this order and so named,
 * {@code simmap} (N, h, w), {@code audio_emb} = A (N, D) and {@code visual_map} = V (N, D, h, w),
 * in training and in inference alike. The trainer forms the full cross-similarity (N, N, h, w) from
 * V and A with {@link #crossSimilarity}; the loss divides by τ ({@link AvLocalizerConfig#tau()}).
 * {@code simmap} is the own-pair cosine similarity in [−1, 1] and is <em>not</em> divided by τ: the
 * heat map is min-max normalised afterwards, so the scale does not matter (docs/methods.md §5).
 *
 * <p><b>Initialisation</b>: {@link PaperInit} for every layer, the visual trunk included.
 * docs/methods.md starts the visual trunk from ImageNet weights; load them with {@link
 * ImageNetWeights#load(ResNet18Trunk, java.nio.file.Path)} into {@link #visualTrunk()} after {@code
 * initialize} and before training. Without them the visual trunk keeps the audio trunk's random
 * initialisation (a deviation that the trainer must record).
 *
 * <p><b>Dropout</b>: FNAC's element-wise dropout on the visual feature map with inverted scaling
 * (survivors × 1/(1−p)), active only when the forward runs in training mode.
 *
 * <p><b>Use</b>:
 *
 * <pre>{@code
 * AvLocalizer net = new AvLocalizer(Preset.PAPER);            // or config.withVisualDropout(0.9f)
 * net.initialize(manager, DataType.FLOAT32, net.config().inputShapes(1));
 * ImageNetWeights.load(net.visualTrunk(), Path.of("resnet18-imagenet1k-v1.npz"));   // optional
 * NDList out = net.forward(new ParameterStore(manager, false), new NDList(image, spec), false);
 * OnnxExporter.write(net, OnnxSignature.dynamic(), Path.of("model.onnx"));
 * }</pre>
 *
 * <p><b>Deviations from docs/methods.md</b>: the visual trunk is randomly initialised like the
 * audio one unless ImageNet weights are loaded; {@code trunc_normal_} is drawn as a normal clipped
 * at ±2 (identical in practice at σ = 0.01); the {@link Preset#LITE} sizes are ours, for CPU
 * training; the dropout block exists at p = 0 too (an identity), so EZ-VSL and FNAC parameter files
 * match.
 */
public final class AvLocalizer extends AbstractBlock implements LocalizationNetwork {

  private static final byte VERSION = 1;

  /** Input names, in forward order (also the ONNX input names). */
  public static final List<String> INPUT_NAMES = List.of("image", "spectrogram");

  /** Output names, in forward order (also the ONNX output names). */
  public static final List<String> OUTPUT_NAMES = List.of("simmap", "audio_emb", "visual_map");

  /** Index of {@code simmap} (N, h, w) in the forward output. */
  public static final int SIMMAP = 0;

  /** Index of {@code audio_emb} A (N, D) in the forward output. */
  public static final int AUDIO_EMB = 1;

  /** Index of {@code visual_map} V (N, D, h, w) in the forward output. */
  public static final int VISUAL_MAP = 2;

  private final AvLocalizerConfig config;
  private final ResNet18Trunk visualTrunk;
  private final Dropout visualDropout;
  private final Conv2d visualProjection;
  private final L2Normalize visualNorm;
  private final AudioPath audioPath;

  /** A network of the given sizes with {@link PaperInit}'s initialisers attached. */
  public AvLocalizer(AvLocalizerConfig config) {
    super(VERSION);
    this.config = config;
    int d = config.embeddingDim();
    visualTrunk = addChildBlock("visualTrunk", new ResNet18Trunk(3, config.visualWidths()));
    // Always present, even at p = 0, so parameter files do not depend on the method.
    visualDropout =
        addChildBlock("visualDropout", Dropout.builder().optRate(config.visualDropout()).build());
    visualProjection =
        addChildBlock(
            "visualProjection",
            Conv2d.builder().setFilters(d).setKernelShape(new Shape(1, 1)).optBias(true).build());
    visualNorm = addChildBlock("visualNorm", new L2Normalize());
    audioPath = AudioPath.add(config, this::addChildBlock);
    PaperInit.apply(this);
  }

  /** A network for a named preset. */
  public AvLocalizer(Preset preset) {
    this(preset.config());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (inputs.size() != 2) {
      throw new IllegalArgumentException(
          "AvLocalizer takes (image, spectrogram), got " + inputs.size() + " arrays");
    }
    NDList image = new NDList(inputs.get(0));

    NDList v = visualTrunk.forward(ps, image, training, params);
    v = visualDropout.forward(ps, v, training, params);
    v = visualProjection.forward(ps, v, training, params);
    NDArray visual = visualNorm.forward(ps, v, training, params).singletonOrThrow();

    NDArray audio = audioPath.forward(ps, inputs.get(1), training, params);

    NDArray simmap = ownPairSimilarity(visual, audio);
    simmap.setName(OUTPUT_NAMES.get(SIMMAP));
    audio.setName(OUTPUT_NAMES.get(AUDIO_EMB));
    visual.setName(OUTPUT_NAMES.get(VISUAL_MAP));
    return new NDList(simmap, audio, visual);
  }

  /**
   * Own-pair similarity S[i,i,p] = Σ_c V[i,c,p] · A[i,c].
   *
   * @param visual V, (N, D, h, w)
   * @param audio A, (N, D)
   * @return (N, h, w)
   */
  public static NDArray ownPairSimilarity(NDArray visual, NDArray audio) {
    return visual.mul(audio.expandDims(2).expandDims(3)).sum(new int[] {1});
  }

  /**
   * Cross similarity of every image with every audio, S[n,m,p] = Σ_c V[n,c,p] · A[m,c] (einsum
   * {@code nchw,mc->nmhw}), the input of the contrastive losses (docs/methods.md §3).
   *
   * @param visual V, (N, D, h, w)
   * @param audio A, (M, D)
   * @return (N, M, h, w): row n is the image, column m the audio
   */
  public static NDArray crossSimilarity(NDArray visual, NDArray audio) {
    Shape vs = visual.getShape();
    long n = vs.get(0);
    long d = vs.get(1);
    long h = vs.get(2);
    long w = vs.get(3);
    // (M, D) · (N, D, h·w) broadcasts to (N, M, h·w).
    return audio.matMul(visual.reshape(n, d, h * w)).reshape(n, audio.getShape().get(0), h, w);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape trunk = visualTrunk.getOutputShapes(new Shape[] {inputShapes[0]})[0];
    long n = trunk.get(0);
    long d = config.embeddingDim();
    return new Shape[] {
      new Shape(n, trunk.get(2), trunk.get(3)),
      new Shape(inputShapes[1].get(0), d),
      new Shape(n, d, trunk.get(2), trunk.get(3))
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    if (inputShapes.length != 2) {
      throw new IllegalArgumentException("AvLocalizer takes (image, spectrogram) shapes");
    }
    visualTrunk.initialize(manager, dataType, inputShapes[0]);
    Shape features = visualTrunk.getOutputShapes(new Shape[] {inputShapes[0]})[0];
    visualDropout.initialize(manager, dataType, features);
    visualProjection.initialize(manager, dataType, features);
    Shape projected = visualProjection.getOutputShapes(new Shape[] {features})[0];
    visualNorm.initialize(manager, dataType, projected);

    audioPath.initialize(manager, dataType, inputShapes[1]);
  }

  /** Number of trainable values (BN running statistics excluded), as PyTorch's parameters(). */
  public static long trainableParameterCount(Iterable<Parameter> parameters) {
    long count = 0;
    for (Parameter p : parameters) {
      if (p.requiresGradient()) {
        count += p.getShape().size();
      }
    }
    return count;
  }

  /** The sizes this network was built with. */
  @Override
  public AvLocalizerConfig config() {
    return config;
  }

  /** Visual ResNet-18 trunk, (N,3,H,W) → (N, C_v, h, w). */
  public ResNet18Trunk visualTrunk() {
    return visualTrunk;
  }

  /** FNAC's visual dropout (identity outside training, and at p = 0). */
  public Dropout visualDropout() {
    return visualDropout;
  }

  /** Visual projection, 1×1 conv C_v → D with bias. */
  public Conv2d visualProjection() {
    return visualProjection;
  }

  /** L2 normalisation of the visual map over channels. */
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
