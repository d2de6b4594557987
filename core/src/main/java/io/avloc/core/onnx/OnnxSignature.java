package io.avloc.core.onnx;

/**
 * Which input dimensions an exported graph fixes. The image side and the frequency bins always come
 * from the network's configuration; the batch N and the spectrogram frames T are either fixed or
 * symbolic ({@code "N"}, {@code "T"}).
 *
 * @param batch fixed batch size, or {@code null} for a symbolic batch
 * @param frames fixed spectrogram frame count, or {@code null} for a symbolic one
 */
public record OnnxSignature(Integer batch, Integer frames) {

  /** Name of the symbolic batch dimension. */
  public static final String BATCH_PARAM = "N";

  /** Name of the symbolic frames dimension. */
  public static final String FRAMES_PARAM = "T";

  public OnnxSignature {
    if (batch != null && batch <= 0) {
      throw new IllegalArgumentException("batch must be positive: " + batch);
    }
    if (frames != null && frames <= 0) {
      throw new IllegalArgumentException("frames must be positive: " + frames);
    }
  }

  /** Symbolic batch and symbolic frame count (ONNX Runtime). */
  public static OnnxSignature dynamic() {
    return new OnnxSignature(null, null);
  }

  /** Symbolic batch, fixed frame count. */
  public static OnnxSignature dynamicBatch(int frames) {
    return new OnnxSignature(null, frames);
  }

  /** Every dimension fixed, as TensorRT 8's ONNX parser wants. */
  public static OnnxSignature fixed(int batch, int frames) {
    return new OnnxSignature(batch, frames);
  }

  /** Whether every input dimension is a number. */
  public boolean isFixed() {
    return batch != null && frames != null;
  }
}
