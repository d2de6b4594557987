/**
 * The pretrained object detector of the object prior: a TF.js graph-model reader ({@link
 * io.avloc.core.detector.TfjsGraph}), an importer that turns it into ONNX ({@link
 * io.avloc.core.detector.TfjsOnnxImporter}), the COCO CenterNet it is used for ({@link
 * io.avloc.core.detector.CenterNet}), and its run on ONNX Runtime ({@link
 * io.avloc.core.detector.ObjectDetector}) with objectness maps and box labels ({@link
 * io.avloc.core.detector.ClassHeatmaps}). See docs/detector.md.
 */
package io.avloc.core.detector;
