/**
 * The inference runtime: {@link io.avloc.modelserver.engine.Engines#load} loads a model artifact on
 * the first engine of an order that works here (ONNX Runtime CPU/GPU, TensorRT, PyTorch), and
 * {@link io.avloc.modelserver.PairInference} turns pairs into heatmaps on it through the model's
 * {@link io.avloc.core.artifact.PreprocessingContract}; the dynamic batcher, hot swap and the
 * distributed stage ({@code serve}, {@code avloc serve}) build on these.
 */
package io.avloc.modelserver;
