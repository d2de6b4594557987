/**
 * The inference runtime: DJL engines (ONNX Runtime on CPU by default, TensorRT on NVIDIA GPUs,
 * PyTorch), dynamic batching, the model registry with hot swap, and the distributed GPU stage.
 * Filled by the model-server issue.
 */
package io.avloc.modelserver;
