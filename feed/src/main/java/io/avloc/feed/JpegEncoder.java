package io.avloc.feed;

import java.awt.image.BufferedImage;
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
        image.getType() == BufferedImage.TYPE_INT_RGB
                || image.getType() == BufferedImage.TYPE_3BYTE_BGR
                || image.getType() == BufferedImage.TYPE_INT_BGR
            ? image
            : SyntheticAssets.toRgb(image);
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

  @Override
  public void close() {
    writer.dispose();
  }
}
