package io.avloc.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class JpegEncoderTest {

  private static final float QUALITY = 0.85f;

  @Test
  void intRgbFramesEncodeToTheSameBytesAsTheWriterGivenThemDirectly() throws IOException {
    BufferedImage frame = pattern(64, 48);
    try (JpegEncoder encoder = new JpegEncoder(QUALITY)) {
      byte[] first = encoder.encode(frame);
      assertThat(first).isEqualTo(writerOwnConversion(frame));
      assertThat(encoder.encode(pattern(32, 16))).isEqualTo(writerOwnConversion(pattern(32, 16)));
      assertThat(encoder.encode(frame)).as("the reused buffer is refilled").isEqualTo(first);
    }
  }

  @Test
  void threeByteBgrFramesEncodeToTheSameBytesAsTheWriterGivenThemDirectly() throws IOException {
    // what a video camera's frame converter hands over
    BufferedImage bgr = asBgr(pattern(64, 48));
    try (JpegEncoder encoder = new JpegEncoder(QUALITY)) {
      byte[] first = encoder.encode(bgr);
      assertThat(first).isEqualTo(writerOwnConversion(bgr));
      assertThat(encoder.encode(pattern(64, 48))).as("same pixels as int RGB").isEqualTo(first);
      BufferedImage sub = asBgr(pattern(64, 48)).getSubimage(8, 4, 32, 24);
      assertThat(encoder.encode(sub)).as("a BGR sub-image").isEqualTo(writerOwnConversion(sub));
    }
  }

  private static BufferedImage asBgr(BufferedImage rgb) {
    return redrawn(rgb, BufferedImage.TYPE_3BYTE_BGR);
  }

  /** {@code image} drawn onto a new image of {@code type} and the same size. */
  private static BufferedImage redrawn(BufferedImage image, int type) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), type);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return out;
  }

  @Test
  void aSubImageEncodesItsOwnPixelsNotItsParents() {
    BufferedImage parent = pattern(64, 48);
    BufferedImage sub = parent.getSubimage(8, 4, 32, 24);
    BufferedImage copy = redrawn(sub, BufferedImage.TYPE_INT_RGB);
    try (JpegEncoder encoder = new JpegEncoder(QUALITY)) {
      assertThat(encoder.encode(sub)).isEqualTo(encoder.encode(copy));
    }
  }

  /** Colour gradients and hard edges, so every channel and the byte order matter. */
  private static BufferedImage pattern(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (x * 255) / w;
        int gr = (y * 255) / h;
        int b = ((x / 8 + y / 8) % 2) * 200;
        img.setRGB(x, y, (r << 16) | (gr << 8) | b);
      }
    }
    return img;
  }

  private static byte[] writerOwnConversion(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, null), param);
      }
      return bytes.toByteArray();
    } finally {
      writer.dispose();
    }
  }
}
