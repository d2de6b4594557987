package io.avloc.training.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A map as a raw file: row-major float32, little-endian, no header ({@code <id>.f32}). NumPy reads
 * it with {@code np.fromfile(f, "<f4").reshape(224, 224)}.
 */
public final class MapFile {
  /** The file name extension. */
  public static final String EXTENSION = ".f32";

  private MapFile() {}

  /** Writes {@code map} as float32 (values are rounded to float). */
  public static void write(Path file, double[] map) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(map.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : map) {
      bytes.putFloat((float) v);
    }
    Files.write(file, bytes.array());
  }

  /** Reads a map written by {@link #write}. */
  public static float[] read(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    if (raw.length % Float.BYTES != 0) {
      throw new IOException(
          file + " holds " + raw.length + " bytes, not a whole number of float32 values");
    }
    float[] map = new float[raw.length / Float.BYTES];
    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(map);
    return map;
  }
}
