package io.avloc.core.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.GlobalMaxPool;
import io.avloc.core.model.L2Normalize;
import io.avloc.core.model.Relu;
import io.avloc.core.onnx.OnnxExporter;
import io.avloc.core.onnx.OnnxGraph;
import io.avloc.core.onnx.OnnxSignature;

/**
 * A small localizer head on detector features, for the tests only: visual 1×1 conv → L2 per
 * position; audio strided conv → ReLU → global max pool → linear → L2; own-pair similarity. Inputs
 * {@value DetectorTrunk#FEATURES} (N, C, h, w) and spectrogram (N, 1, 257, T); outputs as {@link
 * AvLocalizer#OUTPUT_NAMES}.
 */
final class TestFeatureHead extends AbstractBlock {

  static final int DIM = 16;

  private final SequentialBlock visual;
  private final SequentialBlock audio;

  TestFeatureHead() {
    visual =
        new SequentialBlock()
            .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(DIM).build())
            .add(new L2Normalize());
    audio =
        new SequentialBlock()
            .add(
                Conv2d.builder()
                    .setKernelShape(new Shape(7, 7))
                    .optStride(new Shape(4, 4))
                    .setFilters(8)
                    .build())
            .add(new Relu())
            .add(new GlobalMaxPool())
            .add(Linear.builder().setUnits(DIM).build())
            .add(new L2Normalize());
    addChildBlock("visual", visual);
    addChildBlock("audio", audio);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray v = visual.forward(ps, new NDList(inputs.get(0)), training, params).singletonOrThrow();
    NDArray a = audio.forward(ps, new NDList(inputs.get(1)), training, params).singletonOrThrow();
    return new NDList(AvLocalizer.ownPairSimilarity(v, a), a, v);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    long n = in[0].get(0);
    return new Shape[] {
      new Shape(n, in[0].get(2), in[0].get(3)),
      new Shape(in[1].get(0), DIM),
      new Shape(n, DIM, in[0].get(2), in[0].get(3))
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
    visual.initialize(manager, dataType, in[0]);
    audio.initialize(manager, dataType, in[1]);
  }

  /** The inference graph on features of C × h × w. */
  ModelProto onnx(long channels, long h, long w) {
    OnnxGraph g = new OnnxGraph("test_head");
    String n = OnnxSignature.BATCH_PARAM;
    g.input(DetectorTrunk.FEATURES, n, channels, h, w);
    g.input("spectrogram", n, 1, 257, OnnxSignature.FRAMES_PARAM);
    String v = OnnxExporter.emit(g, visual, DetectorTrunk.FEATURES, "visual");
    String a = OnnxExporter.emit(g, audio, "spectrogram", "audio");
    String visualMap = AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.VISUAL_MAP);
    String audioEmb = AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.AUDIO_EMB);
    String simmap = AvLocalizer.OUTPUT_NAMES.get(AvLocalizer.SIMMAP);
    g.renameOutput(v, visualMap);
    g.renameOutput(a, audioEmb);
    OnnxExporter.ownPairSimilarity(g, visualMap, audioEmb, simmap);
    g.output(simmap, n, h, w);
    g.output(audioEmb, n, DIM);
    g.output(visualMap, n, DIM, h, w);
    return OnnxExporter.model(g, "test head").build();
  }
}
