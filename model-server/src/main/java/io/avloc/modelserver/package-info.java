/**
 * The inference runtime: {@link io.avloc.modelserver.LocalizationModel} runs a model artifact's
 * graph on DJL's ONNX Runtime engine (CPU). The model-server issue adds the TensorRT and PyTorch
 * engines with fallback, the dynamic batcher, hot swap and the distributed GPU stage.
 */
package io.avloc.modelserver;
