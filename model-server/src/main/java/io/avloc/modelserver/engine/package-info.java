/**
 * Inference engines over DJL: {@link io.avloc.modelserver.engine.Engines#load} puts a model
 * artifact on the first engine of a configured order ({@link
 * io.avloc.modelserver.engine.EngineKind}: ONNX Runtime on the CPU by default, TensorRT, ONNX
 * Runtime with GPU execution providers, PyTorch) that loads and passes warm-up, recording why the
 * others did not ({@link io.avloc.modelserver.engine.EngineAttempt}).
 */
package io.avloc.modelserver.engine;
