package io.avloc.feed;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
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
  private BufferedImage interleaved;

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
          case BufferedImage.TYPE_3BYTE_BGR -> wholeBgr(image) ? bgrToRgbBytes(image) : image;
          case BufferedImage.TYPE_INT_RGB -> toRgbBytes(image);
          default -> toRgbBytes(SyntheticAssets.toRgb(image));
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
   * The pixels of an int RGB image as interleaved bytes in R, G, B order. The JPEG writer copies
   * its source one scanline at a time; from int pixels it converts them through the generic raster
   * path, sample by sample, and from {@code TYPE_3BYTE_BGR} (bands stored 2, 1, 0) it still copies
   * pixel by pixel; from bytes stored in band order each scanline is one array copy. Same JPEG
   * bytes as the writer makes of the int image itself ({@code JpegEncoderTest}).
   */
  private BufferedImage toRgbBytes(BufferedImage intRgb) {
    int w = intRgb.getWidth();
    int h = intRgb.getHeight();
    int[] px =
        wholeRaster(intRgb)
            ? ((DataBufferInt) intRgb.getRaster().getDataBuffer()).getData()
            : intRgb.getRGB(0, 0, w, h, null, 0, w);
    byte[] out = interleavedBytes(w, h);
    for (int i = 0, j = 0; i < px.length; i++, j += 3) {
      int v = px[i];
      out[j] = (byte) (v >> 16);
      out[j + 1] = (byte) (v >> 8);
      out[j + 2] = (byte) v;
    }
    return interleaved;
  }

  /**
   * A 3-byte BGR image (a video camera's decoded frame) as interleaved bytes in R, G, B order: one
   * pass that swaps each pixel's first and third byte, where the writer would copy BGR pixel by
   * pixel. Same JPEG bytes ({@code JpegEncoderTest}).
   */
  private BufferedImage bgrToRgbBytes(BufferedImage bgr) {
    byte[] in = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    byte[] out = interleavedBytes(bgr.getWidth(), bgr.getHeight());
    for (int j = 0; j < out.length; j += 3) {
      out[j] = in[j + 2];
      out[j + 1] = in[j + 1];
      out[j + 2] = in[j];
    }
    return interleaved;
  }

  /**
   * The bytes of {@link #interleaved}, the reused R, G, B image the writer gets, made anew when the
   * frame size changes.
   */
  private byte[] interleavedBytes(int w, int h) {
    if (interleaved == null || interleaved.getWidth() != w || interleaved.getHeight() != h) {
      interleaved = rgbBytes(w, h);
    }
    return ((DataBufferByte) interleaved.getRaster().getDataBuffer()).getData();
  }

  /** An sRGB image of 8-bit samples stored R, G, B, pixel after pixel. */
  private static BufferedImage rgbBytes(int w, int h) {
    ColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            new int[] {8, 8, 8},
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    WritableRaster raster =
        Raster.createInterleavedRaster(
            DataBuffer.TYPE_BYTE, w, h, 3 * w, 3, new int[] {0, 1, 2}, null);
    return new BufferedImage(cm, raster, false, null);
  }

  /**
   * Whether a 3-byte BGR image's byte array holds exactly its pixels, row after row (not a
   * sub-image).
   */
  private static boolean wholeBgr(BufferedImage image) {
    WritableRaster r = image.getRaster();
    return r.getParent() == null
        && r.getDataBuffer().getOffset() == 0
        && r.getSampleModel() instanceof PixelInterleavedSampleModel sm
        && sm.getPixelStride() == 3
        && sm.getScanlineStride() == 3 * image.getWidth()
        && r.getDataBuffer().getSize() == 3 * image.getWidth() * image.getHeight();
  }

  /** Whether the image's int array holds exactly its pixels, row after row (not a sub-image). */
  private static boolean wholeRaster(BufferedImage image) {
    WritableRaster r = image.getRaster();
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
