package io.avloc.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A decompression bomb: a valid 8-bit grayscale PNG of width × height black pixels, a few hundred
 * KB on the wire (13,000 × 13,000 is about 170 M pixels in about 500 KB), that costs gigabytes of
 * heap and a minute of CPU if anything decodes it in full. Written chunk by chunk, never held
 * decoded.
 */
public final class ImageBomb {

  private ImageBomb() {}

  /** The PNG bytes. */
  public static byte[] png(int width, int height) {
    try {
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      try (DeflaterOutputStream z =
          new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
        byte[] row = new byte[1 + width]; // filter byte 0, then black gray samples
        for (int y = 0; y < height; y++) {
          z.write(row);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(ihdr);
      d.writeInt(width);
      d.writeInt(height);
      d.writeByte(8); // bit depth
      d.writeByte(0); // grayscale
      d.writeByte(0); // deflate
      d.writeByte(0); // adaptive filtering
      d.writeByte(0); // no interlace
      chunk(out, "IHDR", ihdr.toByteArray());
      chunk(out, "IDAT", idat.toByteArray());
      chunk(out, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
