package io.avloc.feed;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Encodes frames as baseline JPEG with one reusable ImageIO writer; not thread-safe. */
final class JpegEncoder implements AutoCloseable {

  private final ImageWriter writer;
  private final ImageWriteParam param;
  private BufferedImage bgr;

  JpegEncoder(float quality) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IllegalStateException("this Java runtime has no JPEG encoder (javax.imageio)");
    }
    writer = writers.next();
    param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
  }

  /** The image as JPEG bytes (alpha, if any, is dropped by drawing onto RGB first). */
  byte[] encode(BufferedImage image) {
    BufferedImage rgb =
        switch (image.getType()) {
          case BufferedImage.TYPE_3BYTE_BGR -> image;
          case BufferedImage.TYPE_INT_RGB -> toBgrBytes(image);
          default -> toBgrBytes(SyntheticAssets.toRgb(image));
        };
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 * 1024);
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(rgb, null, null), param);
      writer.reset();
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * The pixels of an int RGB image as 3-byte BGR, the layout the JPEG writer reads directly: given
   * int pixels it converts them through the generic raster path, sample by sample, which cost ~1.4×
   * this copy plus the encode (the cameras' largest share of the CPU under load). Same JPEG bytes.
   */
  private BufferedImage toBgrBytes(BufferedImage intRgb) {
    int w = intRgb.getWidth();
    int h = intRgb.getHeight();
    if (bgr == null || bgr.getWidth() != w || bgr.getHeight() != h) {
      bgr = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    }
    int[] px =
        wholeRaster(intRgb)
            ? ((DataBufferInt) intRgb.getRaster().getDataBuffer()).getData()
            : intRgb.getRGB(0, 0, w, h, null, 0, w);
    byte[] out = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    for (int i = 0, j = 0; i < px.length; i++, j += 3) {
      int v = px[i];
      out[j] = (byte) v;
      out[j + 1] = (byte) (v >> 8);
      out[j + 2] = (byte) (v >> 16);
    }
    return bgr;
  }

  /** Whether the image's int array holds exactly its pixels, row after row (not a sub-image). */
  private static boolean wholeRaster(BufferedImage image) {
    java.awt.image.WritableRaster r = image.getRaster();
    return r.getParent() == null
        && r.getDataBuffer().getOffset() == 0
        && r.getSampleModel() instanceof java.awt.image.SinglePixelPackedSampleModel sm
        && sm.getScanlineStride() == image.getWidth()
        && r.getDataBuffer().getSize() == image.getWidth() * image.getHeight();
  }

  @Override
  public void close() {
    writer.dispose();
  }
}
