package io.avloc.core.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * One encoded video frame: the value of an {@code avloc.frames} record plus its headers. The camera
 * id is the record key and is not repeated here.
 *
 * @param tsUs capture time, microseconds since the epoch
 * @param format encoding of {@code data}
 * @param data the encoded image (not copied; treat as immutable)
 */
public record VideoFrame(long tsUs, ImageFormat format, byte[] data) {

  public VideoFrame {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(data, "data");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VideoFrame f
        && f.tsUs == tsUs
        && f.format == format
        && Arrays.equals(f.data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tsUs, format) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "VideoFrame[tsUs=" + tsUs + ", format=" + format + ", bytes=" + data.length + "]";
  }
}
