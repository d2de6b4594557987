package io.avloc.core.onnx;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.BasicBlock;
import io.avloc.core.model.BatchNorm2d;
import io.avloc.core.model.DetectorHeadLocalizer;
import io.avloc.core.model.GlobalMaxPool;
import io.avloc.core.model.L2Normalize;
import io.avloc.core.model.MaxPool2d;
import io.avloc.core.model.Relu;
import io.avloc.core.model.ResNet18Trunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes the inference graph of an {@link AvLocalizer} as an ONNX model (opset 13, IR version 7) by
 * walking its blocks; DJL has no exporter of its own.
 *
 * <p>Inputs {@code image} [N, 3, H, W] and {@code spectrogram} [N, 1, F, T]; outputs {@code simmap}
 * [N, h, w], {@code audio_emb} [N, D] and {@code visual_map} [N, D, h, w], exactly the network's
 * inference forward. Ops: Conv, BatchNormalization (ε copied from each layer), Relu, MaxPool, Add,
 * GlobalMaxPool + Flatten, Gemm, ReduceL2 + Max + Div for the L2 normalisation (x / max(‖x‖, ε), as
 * PyTorch's {@code F.normalize}), Unsqueeze + Mul + ReduceSum for the own-pair similarity. Dropout
 * is an identity at inference and emits nothing. Parameters become little-endian float initializers
 * named after torchvision ({@code visual.layer1.0.conv1.weight}).
 *
 * <p>{@link OnnxSignature#dynamic()} gives a symbolic batch and frame count for ONNX Runtime;
 * {@link OnnxSignature#fixed(int, int)} fixes every dimension for TensorRT 8, whose parser wants
 * static shapes and an opset of at most 13–15.
 */
public final class OnnxExporter {

  /** ONNX operator set of the exported graphs. */
  public static final int OPSET = 13;

  /** ONNX IR version that goes with opset 13 (ONNX 1.8). */
  public static final long IR_VERSION = 7;

  private OnnxExporter() {}

  /**
   * The inference graph of an initialised network.
   *
   * @throws IllegalArgumentException if the network contains a block type the exporter does not
   *     know
   */
  public static ModelProto export(AvLocalizer net, OnnxSignature signature) {
    AvLocalizerConfig config = net.config();
    OnnxGraph g = new OnnxGraph("avloc_" + config.name());
    Object batch = signature.batch() != null ? signature.batch() : OnnxSignature.BATCH_PARAM;
    Object frames = signature.frames() != null ? signature.frames() : OnnxSignature.FRAMES_PARAM;
    int side = config.imageSize();
    int map = config.mapSize();
    int d = config.embeddingDim();
    String image = AvLocalizer.INPUT_NAMES.get(0);
    String spectrogram = AvLocalizer.INPUT_NAMES.get(1);
    g.input(image, batch, 3, side, side);
    g.input(spectrogram, batch, 1, config.frequencyBins(), frames);

    Walker walker = new Walker(g, parameterNames(net));
    String v = walker.emit(net.visualTrunk(), image, "visual");
    v = walker.emit(net.visualDropout(), v, "visual.dropout");
    v = walker.emit(net.visualProjection(), v, "visual.proj");
    v = walker.emit(net.visualNorm(), v, "visual.norm");
    String a =
        audioBranch(
            walker,
            spectrogram,
            net.audioTrunk(),
            net.audioPool(),
            null,
            net.audioProjection(),
            net.audioNorm());
    outputs(g, v, a, batch, d, map, map);

    ModelProto.Builder model =
        model(
            g,
            "AvLocalizer inference graph: simmap = own-pair cosine similarity (not divided by"
                + " tau), audio_emb = A, visual_map = V");
    OnnxGraph.metadata(model, "avloc.preset", config.name());
    OnnxGraph.metadata(model, "avloc.image_size", Integer.toString(side));
    OnnxGraph.metadata(model, "avloc.frequency_bins", Integer.toString(config.frequencyBins()));
    OnnxGraph.metadata(model, "avloc.frames", Integer.toString(config.frames()));
    OnnxGraph.metadata(model, "avloc.embedding_dim", Integer.toString(d));
    OnnxGraph.metadata(model, "avloc.map_size", Integer.toString(map));
    OnnxGraph.metadata(model, "avloc.tau", Float.toString(config.tau()));
    return model.build();
  }

  /**
   * The audio branch both localizers share: trunk, global max pool, [batch norm,] linear, L2 → A.
   * {@code batchNorm} may be null.
   */
  private static String audioBranch(
      Walker walker,
      String spectrogram,
      Block trunk,
      Block pool,
      BatchNorm2d batchNorm,
      Block projection,
      Block norm) {
    String a = walker.emit(trunk, spectrogram, "audio");
    a = walker.emit(pool, a, "audio.pool");
    if (batchNorm != null) {
      // (N, C) → (N, C, 1, 1) for BatchNormalization, then back
      OnnxGraph g = walker.g;
      a = g.node("Unsqueeze", "audio.bn.unsqueeze", null, a, g.int64s("audio.bn.axes_hw", 2, 3));
      a = walker.emit(batchNorm, a, "audio.bn");
      a = g.node("Flatten", "audio.bn.flatten", null, g.attrs().i("axis", 1), a);
    }
    a = walker.emit(projection, a, "audio.fc");
    return walker.emit(norm, a, "audio.norm");
  }

  /**
   * Names V and A as the public outputs, adds their own-pair similarity and declares the three
   * outputs in {@link AvLocalizer#OUTPUT_NAMES}' meaning.
   */
  private static void outputs(
      OnnxGraph g, String v, String a, Object batch, int d, Object mapHeight, Object mapWidth) {
    String visualMap = AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.VISUAL_MAP);
    String audioEmb = AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.AUDIO_EMB);
    String simmap = AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.SIMMAP);
    g.renameOutput(v, visualMap);
    g.renameOutput(a, audioEmb);
    ownPairSimilarity(g, visualMap, audioEmb, simmap);
    g.output(simmap, batch, mapHeight, mapWidth);
    g.output(audioEmb, batch, d);
    g.output(visualMap, batch, d, mapHeight, mapWidth);
  }

  /**
   * Emits {@code simmap[n,h,w] = Σ_c visualMap[n,c,h,w] · audioEmb[n,c]} (the own-pair similarity
   * of {@link AvLocalizer#ownPairSimilarity}) into {@code g} as the tensor {@code simmap}.
   */
  private static String ownPairSimilarity(
      OnnxGraph g, String visualMap, String audioEmb, String simmap) {
    String a4 =
        g.node("Unsqueeze", "simmap.unsqueeze", null, audioEmb, g.int64s("simmap.axes_hw", 2, 3));
    String prod = g.node("Mul", "simmap.mul", null, visualMap, a4);
    return g.node(
        "ReduceSum",
        "simmap.sum",
        simmap,
        g.attrs().i("keepdims", 0),
        prod,
        g.int64s("simmap.axes_c", 1));
  }

  /**
   * The inference graph of a head on frozen detector features ({@link DetectorHeadLocalizer}):
   * inputs {@code features} [N, C, h, w] and {@code spectrogram} [N, 1, F, T], outputs as {@link
   * #export(AvLocalizer, OnnxSignature)}'s. The detector itself is not in it: {@code
   * io.avloc.core.detector.DetectorTrunk} composes the two.
   *
   * @param mapHeight h of the features (and of the maps)
   * @param mapWidth w of the features
   */
  public static ModelProto export(
      DetectorHeadLocalizer head, OnnxSignature signature, int mapHeight, int mapWidth) {
    AvLocalizerConfig config = head.audioConfig();
    OnnxGraph g = new OnnxGraph("avloc_detector_head_" + config.name());
    Object batch = signature.batch() != null ? signature.batch() : OnnxSignature.BATCH_PARAM;
    Object frames = signature.frames() != null ? signature.frames() : OnnxSignature.FRAMES_PARAM;
    int d = config.embeddingDim();
    String features = DetectorHeadLocalizer.INPUT_NAMES.get(0);
    String spectrogram = DetectorHeadLocalizer.INPUT_NAMES.get(1);
    g.input(features, batch, head.featureChannels(), mapHeight, mapWidth);
    g.input(spectrogram, batch, 1, config.frequencyBins(), frames);

    Map<Parameter, String> names = new IdentityHashMap<>();
    head.audioTrunk().torchvisionParameters().forEach((k, p) -> names.put(p, "audio." + k));
    Walker walker = new Walker(g, names);
    // raw features (no per-position L2) go into the projection as they come: no L2 node at all
    String v =
        head.normalizeFeatures()
            ? walker.emit(head.featureNorm(), features, "features.norm")
            : features;
    if (head.centreFeatures()) {
      // each picture's mean (unit) vector over its positions, subtracted (DetectorHeadLocalizer)
      String mean =
          g.node(
              "ReduceMean",
              "features.centre.mean",
              null,
              g.attrs().ints("axes", 2, 3).i("keepdims", 1),
              v);
      v = g.node("Sub", "features.centre", null, v, mean);
    }
    v = walker.emit(head.visualProjection(), v, "visual.proj");
    v = walker.emit(head.visualNorm(), v, "visual.norm");
    String a =
        audioBranch(
            walker,
            spectrogram,
            head.audioTrunk(),
            head.audioPool(),
            head.audioBatchNorm(),
            head.audioProjection(),
            head.audioNorm());
    outputs(g, v, a, batch, d, mapHeight, mapWidth);
    ModelProto.Builder model =
        model(
            g,
            "DetectorHeadLocalizer inference graph on detector features: simmap = own-pair"
                + " cosine similarity (not divided by tau), audio_emb = A, visual_map = V");
    OnnxGraph.metadata(model, "avloc.preset", config.name());
    OnnxGraph.metadata(model, "avloc.embedding_dim", Integer.toString(d));
    OnnxGraph.metadata(model, "avloc.tau", Float.toString(config.tau()));
    return model.build();
  }

  /** An opset-{@value #OPSET} model around a finished graph. */
  public static ModelProto.Builder model(OnnxGraph g, String docString) {
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("avloc")
        .setProducerVersion("1")
        .setDomain("io.avloc")
        .setModelVersion(1)
        .setDocString(docString)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g.build());
  }

  /** Exports and writes the model to {@code file}. */
  public static void write(AvLocalizer net, OnnxSignature signature, Path file) throws IOException {
    ModelProto model = export(net, signature);
    try (OutputStream out = Files.newOutputStream(file)) {
      model.writeTo(out);
    }
  }

  /** Initializer names: torchvision's for the trunks, short ones for the heads. */
  private static Map<Parameter, String> parameterNames(AvLocalizer net) {
    Map<Parameter, String> names = new IdentityHashMap<>();
    net.visualTrunk().torchvisionParameters().forEach((k, p) -> names.put(p, "visual." + k));
    net.audioTrunk().torchvisionParameters().forEach((k, p) -> names.put(p, "audio." + k));
    return names;
  }

  /** Emits the nodes of one block at a time, dispatching on its type. */
  private static final class Walker {
    private final OnnxGraph g;
    private final Map<Parameter, String> names;

    Walker(OnnxGraph g, Map<Parameter, String> names) {
      this.g = g;
      this.names = names;
    }

    /** Emits {@code block} applied to tensor {@code x}; returns the output tensor name. */
    String emit(Block block, String x, String scope) {
      if (block instanceof ResNet18Trunk trunk) {
        return trunk(trunk, x, scope);
      } else if (block instanceof BasicBlock basic) {
        return basicBlock(basic, x, scope);
      } else if (block instanceof Conv2d conv) {
        return conv(conv, x, scope);
      } else if (block instanceof BatchNorm2d bn) {
        return batchNorm(bn, x, scope);
      } else if (block instanceof Relu) {
        return g.node("Relu", scope, null, x);
      } else if (block instanceof MaxPool2d pool) {
        int k = pool.kernel();
        int s = pool.stride();
        int p = pool.padding();
        return g.node(
            "MaxPool",
            scope,
            null,
            g.attrs()
                .ints("kernel_shape", k, k)
                .ints("strides", s, s)
                .ints("pads", p, p, p, p)
                .i("ceil_mode", 0),
            x);
      } else if (block instanceof GlobalMaxPool) {
        String pooled = g.node("GlobalMaxPool", scope, null, x);
        return g.node("Flatten", scope + ".flatten", null, g.attrs().i("axis", 1), pooled);
      } else if (block instanceof Linear linear) {
        return gemm(linear, x, scope);
      } else if (block instanceof L2Normalize norm) {
        String l2 =
            g.node(
                "ReduceL2",
                scope + ".l2",
                null,
                g.attrs().ints("axes", L2Normalize.AXIS).i("keepdims", 1),
                x);
        String clamped =
            g.node("Max", scope + ".clamp", null, l2, g.scalar(scope + ".eps", norm.epsilon()));
        return g.node("Div", scope + ".div", null, x, clamped);
      } else if (block instanceof Dropout) {
        return x; // identity at inference
      }
      throw new IllegalArgumentException(
          "cannot export block " + block.getClass().getName() + " at " + scope);
    }

    private String trunk(ResNet18Trunk trunk, String x, String scope) {
      String[] names = {"conv1", "bn1", "relu", "maxpool"};
      int i = 0;
      int blockIndex = 0;
      for (Block layer : trunk.layers()) {
        String name;
        if (layer instanceof BasicBlock) {
          name =
              "layer"
                  + (blockIndex / ResNet18Trunk.BLOCKS_PER_STAGE + 1)
                  + "."
                  + (blockIndex % ResNet18Trunk.BLOCKS_PER_STAGE);
          blockIndex++;
        } else {
          name = names[i++];
        }
        x = emit(layer, x, scope + "." + name);
      }
      return x;
    }

    private String basicBlock(BasicBlock b, String x, String scope) {
      String y = conv(b.conv1(), x, scope + ".conv1");
      y = batchNorm(b.bn1(), y, scope + ".bn1");
      y = g.node("Relu", scope + ".relu1", null, y);
      y = conv(b.conv2(), y, scope + ".conv2");
      y = batchNorm(b.bn2(), y, scope + ".bn2");
      String shortcut = x;
      if (b.downsampleConv().isPresent()) {
        shortcut = conv(b.downsampleConv().get(), x, scope + ".downsample.0");
        shortcut = batchNorm(b.downsampleBn().get(), shortcut, scope + ".downsample.1");
      }
      String sum = g.node("Add", scope + ".add", null, y, shortcut);
      return g.node("Relu", scope + ".relu2", null, sum);
    }

    private String conv(Conv2d conv, String x, String scope) {
      var kernel = conv.getKernelShape();
      var stride = conv.getStride();
      var pad = conv.getPadding();
      var dilation = conv.getDilation();
      Parameter weight = conv.getDirectParameters().get("weight");
      String w = param(weight, scope + ".weight");
      OnnxGraph.Attrs attrs =
          g.attrs()
              .ints("kernel_shape", kernel.get(0), kernel.get(1))
              .ints("strides", stride.get(0), stride.get(1))
              .ints("pads", pad.get(0), pad.get(1), pad.get(0), pad.get(1))
              .ints("dilations", dilation.get(0), dilation.get(1))
              .i("group", conv.getGroups());
      if (conv.isIncludeBias()) {
        String b = param(conv.getDirectParameters().get("bias"), scope + ".bias");
        return g.node("Conv", scope, null, attrs, x, w, b);
      }
      return g.node("Conv", scope, null, attrs, x, w);
    }

    private String batchNorm(BatchNorm2d bn, String x, String scope) {
      return g.node(
          "BatchNormalization",
          scope,
          null,
          // ONNX's momentum is the weight of the old running value; it plays no role at inference.
          g.attrs().f("epsilon", bn.epsilon()).f("momentum", 1f - bn.momentum()),
          x,
          param(bn.gamma(), scope + ".weight"),
          param(bn.beta(), scope + ".bias"),
          param(bn.runningMean(), scope + ".running_mean"),
          param(bn.runningVar(), scope + ".running_var"));
    }

    private String gemm(Linear linear, String x, String scope) {
      // DJL's linear weight is (out, in) like PyTorch's: y = x · Wᵀ + b.
      String w = param(linear.getDirectParameters().get("weight"), scope + ".weight");
      String b = param(linear.getDirectParameters().get("bias"), scope + ".bias");
      return g.node("Gemm", scope, null, g.attrs().i("transB", 1), x, w, b);
    }

    private String param(Parameter p, String fallbackName) {
      if (p == null || !p.isInitialized()) {
        throw new IllegalStateException("initialize the network before exporting it");
      }
      String name = names.getOrDefault(p, fallbackName);
      return g.floats(name, p.getArray().getShape().getShape(), p.getArray().toFloatArray());
    }
  }
}
