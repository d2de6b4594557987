package io.avloc.core.image;

import io.avloc.core.image.ImageDecodeException.Problem;
import io.avloc.core.media.ImageFormat;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG and PNG to 8-bit {@link RgbImage}s with the pixel values PIL gives for {@code
 * Image.open(f).convert("RGB")}.
 *
 * <p>What each kind of input becomes (all checked against Pillow 9.4, see {@code
 * src/test/python/make_image_fixtures.py}):
 *
 * <ul>
 *   <li>8-bit RGB: as stored. For JPEG (baseline and progressive; 4:4:4, 4:2:2 and 4:2:0 chroma
 *       subsampling) the JDK's libjpeg-based decoder gives the same bytes as the libjpeg-turbo in
 *       Debian's Pillow on the test images. Other subsamplings (e.g. 4:4:0) and other libjpeg
 *       builds were not compared and may differ by ±1 level.
 *   <li>Grayscale (JPEG or PNG, 1/2/4/8-bit): the gray value copied to R, G and B.
 *   <li>Palette PNG: the palette colour; a {@code tRNS} transparency is ignored.
 *   <li>RGBA and gray+alpha: <b>alpha is dropped, not composited</b> onto any background, as in
 *       PIL's {@code convert("RGB")}. Fully transparent pixels therefore keep whatever colour the
 *       encoder stored under them.
 *   <li>16-bit PNG (RGB, RGBA, gray+alpha): the high byte of each sample, as PIL does.
 *   <li>ICC profiles, gAMA chunks and EXIF orientation are ignored, as PIL does: the stored samples
 *       are taken as they are, with no colour management and no rotation.
 * </ul>
 *
 * <p><b>Deviation from PIL:</b> a 16-bit <i>grayscale</i> PNG (no alpha) opens in PIL as mode
 * {@code "I"}, and {@code convert("RGB")} then clips every value above 255 to 255, which turns
 * almost any such image white. This decoder takes the high byte instead, like the 16-bit colour
 * case. CMYK and YCCK JPEGs are rejected ({@link Problem#UNSUPPORTED}); PIL would convert them.
 *
 * <p>Only the raster is read (no per-pixel {@code getRGB}, which would also apply colour conversion
 * to linear-gray and ICC images); plain 8-bit RGB is decoded straight into the output array.
 * Thread-safe: each thread keeps its own JPEG and PNG reader.
 */
public final class ImageDecoder {

  /**
   * The largest accepted image, in pixels: PIL's default {@code DecompressionBombError} threshold
   * (twice {@code Image.MAX_IMAGE_PIXELS}).
   */
  public static final long MAX_PIXELS = 2L * 89_478_485L;

  private static final ComponentColorModel RGB8 =
      new ComponentColorModel(
          ColorSpace.getInstance(ColorSpace.CS_sRGB),
          false,
          false,
          Transparency.OPAQUE,
          DataBuffer.TYPE_BYTE);

  /**
   * One reader per format and thread, reused: creating a codec per frame costs about as much as
   * decoding a small frame.
   */
  private static final ThreadLocal<Map<ImageFormat, ImageReader>> READERS =
      ThreadLocal.withInitial(() -> new EnumMap<>(ImageFormat.class));

  private ImageDecoder() {}

  /** Decodes an image file; errors name the file. */
  public static RgbImage decode(Path file) {
    return decode(read(file), "image file " + file, null, 0, 0);
  }

  /** {@link #decodeFor(byte[], int, int, ImageLimits)} of an image file; errors name the file. */
  public static RgbImage decodeFor(
      Path file, int targetWidth, int targetHeight, ImageLimits limits) {
    Objects.requireNonNull(limits, "limits");
    return decode(read(file), "image file " + file, limits, targetWidth, targetHeight);
  }

  private static byte[] read(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ImageDecodeException(
          Problem.UNREADABLE_FILE,
          "image file " + file + " does not exist; check the path and the dataset's frame folder",
          e);
    } catch (AccessDeniedException e) {
      throw new ImageDecodeException(
          Problem.UNREADABLE_FILE,
          "image file " + file + " is not readable (permission denied); fix its permissions",
          e);
    } catch (IOException e) {
      throw new ImageDecodeException(
          Problem.UNREADABLE_FILE,
          "image file " + file + " could not be read: " + e + "; check that it is a regular file",
          e);
    }
  }

  /** Decodes JPEG or PNG bytes. */
  public static RgbImage decode(byte[] encoded) {
    Objects.requireNonNull(encoded, "encoded");
    return decode(encoded, "image data (" + encoded.length + " bytes)", null, 0, 0);
  }

  /**
   * What an image's header says: its format and size. Reading it costs microseconds whatever the
   * image's size, since no pixel is decoded.
   *
   * @param format JPEG or PNG
   * @param width pixels
   * @param height pixels
   */
  public record Header(ImageFormat format, int width, int height) {}

  /**
   * Reads the format and dimensions from the header (PNG's IHDR, JPEG's SOF) without decoding any
   * pixel: the cheap check at ingest.
   *
   * @throws ImageDecodeException when the bytes are not a JPEG or PNG or the header is damaged
   */
  public static Header probe(byte[] encoded) {
    Objects.requireNonNull(encoded, "encoded");
    String what = "image data (" + encoded.length + " bytes)";
    ImageFormat format = requireFormat(encoded, what);
    Map<ImageFormat, ImageReader> readers = READERS.get();
    ImageReader reader = readers.computeIfAbsent(format, ImageDecoder::newReader);
    boolean reusable = false;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      reader.setInput(in, true, true);
      Header header = new Header(format, reader.getWidth(0), reader.getHeight(0));
      reusable = true;
      return header;
    } catch (IIOException e) {
      throw classify(what, format, e, List.of());
    } catch (IOException | RuntimeException e) {
      if (e instanceof EOFException) {
        throw truncated(what, String.valueOf(e), e);
      }
      throw new ImageDecodeException(
          Problem.CORRUPT,
          what + " has a damaged " + name(format) + " header: " + e + "; re-encode it",
          e);
    } finally {
      release(readers, format, reader, reusable);
    }
  }

  /**
   * Decodes an image for a network input of {@code targetWidth} × {@code targetHeight}: the
   * header's size is checked against {@code limits} before any pixel is decoded, and a source more
   * than twice the target's size on an axis is decoded subsampled on that axis ({@link
   * #subsampling}), so the decoded image, not the source, bounds the memory. The caller then
   * resizes it with {@link BicubicResizer} as usual.
   *
   * <p><b>Deviation from the reference pipeline</b> (Pillow decodes the whole image, then resizes
   * it with an antialiased bicubic): for a source over twice the target's size, every k-th pixel is
   * taken before the antialiased resize. The decoded image keeps at least twice the target's pixels
   * on each axis, so the antialias filter still averages several source pixels per output pixel;
   * measured on a 1920×1080 photo to 160×160, the model input differs from the full decode by a
   * mean of about 0.02 and a 99th percentile of about 0.1 normalised units ({@code
   * ImageDecoderSubsamplingTest}). Images up to twice the target's size decode in full, exactly as
   * before.
   *
   * @throws ImageDecodeException {@link Problem#TOO_LARGE} for an image over the limits, or the
   *     decoding failure
   */
  public static RgbImage decodeFor(
      byte[] encoded, int targetWidth, int targetHeight, ImageLimits limits) {
    Objects.requireNonNull(encoded, "encoded");
    Objects.requireNonNull(limits, "limits");
    if (targetWidth < 1 || targetHeight < 1) {
      throw new IllegalArgumentException(
          "target size must be positive: " + targetWidth + "x" + targetHeight);
    }
    return decode(
        encoded, "image data (" + encoded.length + " bytes)", limits, targetWidth, targetHeight);
  }

  /**
   * The subsampling step for a source side decoded towards a target side: the largest k that keeps
   * at least twice the target's pixels ({@code ceil(source / k) >= 2 * target}), 1 for a source up
   * to twice the target.
   */
  public static int subsampling(int source, int target) {
    return Math.max(1, source / (SUBSAMPLING_MARGIN * target));
  }

  /**
   * A subsampled decode keeps at least this many times the target's pixels per axis. Measured on a
   * textured 1920×1080 JPEG to 160 × 160 (mean / p99 |difference| of the model input from the full
   * decode, normalised units; one 8-bit level is about 0.017): margin 2: 0.073 / 0.52; 3: 0.038 /
   * 0.27; 4: 0.022 / 0.16; 5: 0.010 / 0.07. 4 keeps the deviation near one level on average while
   * an 8K frame still decodes to under 1000 × 1000 pixels.
   */
  public static final int SUBSAMPLING_MARGIN = 4;

  private static ImageFormat requireFormat(byte[] bytes, String what) {
    ImageFormat format = ImageFormat.sniff(bytes);
    if (format == null) {
      throw new ImageDecodeException(
          Problem.NOT_AN_IMAGE,
          what
              + (bytes.length == 0
                  ? " is empty; supply a JPEG or PNG file"
                  : " starts with neither the JPEG nor the PNG signature; supply a JPEG or PNG"
                      + " file (re-encode other formats first)"));
    }
    return format;
  }

  private static void release(
      Map<ImageFormat, ImageReader> readers,
      ImageFormat format,
      ImageReader reader,
      boolean reusable) {
    if (reusable) {
      reader.reset(); // drops the input and the listener, keeps the codec's native state
    } else {
      readers.remove(format); // a codec that failed mid-stream is not trusted again
      reader.dispose();
    }
  }

  /**
   * @param limits checked on the header's size before decoding; null: only {@link #MAX_PIXELS}
   * @param targetWidth with {@code limits}: decode subsampled towards this width (0: full size)
   */
  private static RgbImage decode(
      byte[] bytes, String what, ImageLimits limits, int targetWidth, int targetHeight) {
    ImageFormat format = requireFormat(bytes, what);
    Map<ImageFormat, ImageReader> readers = READERS.get();
    ImageReader reader = readers.computeIfAbsent(format, ImageDecoder::newReader);
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    boolean reusable = false;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      int sourceWidth = reader.getWidth(0);
      int sourceHeight = reader.getHeight(0);
      if ((long) sourceWidth * sourceHeight > MAX_PIXELS) {
        throw new ImageDecodeException(
            Problem.TOO_LARGE,
            what
                + " is "
                + sourceWidth
                + "x"
                + sourceHeight
                + " pixels, over the limit of "
                + MAX_PIXELS
                + "; downscale it before use");
      }
      if (limits != null) {
        limits.check(sourceWidth, sourceHeight, what);
      }
      int kx = targetWidth > 0 ? subsampling(sourceWidth, targetWidth) : 1;
      int ky = targetHeight > 0 ? subsampling(sourceHeight, targetHeight) : 1;
      int width = (sourceWidth + kx - 1) / kx;
      int height = (sourceHeight + ky - 1) / ky;
      ImageReadParam param = reader.getDefaultReadParam();
      if (kx > 1 || ky > 1) {
        param.setSourceSubsampling(kx, ky, 0, 0);
      }
      RgbImage decoded;
      if (isPlainRgb8(reader.getRawImageType(0))) {
        // Let the codec write straight into RGB-ordered bytes: no second copy.
        byte[] pixels = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        param.setDestination(rgbView(pixels, width, height));
        reader.read(0, param);
        decoded = new RgbImage(width, height, pixels);
      } else {
        decoded = toRgb(reader.read(0, param));
      }
      for (String w : warnings) {
        if (isTruncation(w)) {
          throw truncated(what, w, null);
        }
      }
      reusable = true;
      return decoded;
    } catch (IIOException e) {
      throw classify(what, format, e, warnings);
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageDecodeException d) {
        reusable = true; // rejected by a check of ours, not by the codec
        throw d;
      }
      if (e instanceof EOFException) {
        throw truncated(what, String.valueOf(e), e);
      }
      throw new ImageDecodeException(
          Problem.CORRUPT,
          what + " is a damaged " + name(format) + ": " + e + "; re-extract or re-encode it",
          e);
    } finally {
      release(readers, format, reader, reusable);
    }
  }

  /**
   * 8-bit, 3-channel sRGB without alpha (baseline colour JPEG, RGB PNG): the codec's own output
   * needs no conversion, so it can be written into any band order. Grayscale, palette, ICC-tagged
   * and 16-bit images take the general path.
   */
  private static boolean isPlainRgb8(ImageTypeSpecifier type) {
    if (type == null) {
      return false;
    }
    ColorModel cm = type.getColorModel();
    return cm instanceof ComponentColorModel
        && cm.getColorSpace().isCS_sRGB()
        && cm.getNumComponents() == 3
        && !cm.hasAlpha()
        && cm.getTransferType() == DataBuffer.TYPE_BYTE
        && cm.getComponentSize(0) == 8
        && cm.getComponentSize(1) == 8
        && cm.getComponentSize(2) == 8;
  }

  /** A BufferedImage over {@code pixels} in {@link RgbImage}'s layout (interleaved R, G, B). */
  private static BufferedImage rgbView(byte[] pixels, int width, int height) {
    WritableRaster raster =
        Raster.createInterleavedRaster(
            new DataBufferByte(pixels, pixels.length),
            width,
            height,
            width * 3,
            3,
            new int[] {0, 1, 2},
            null);
    return new BufferedImage(RGB8, raster, false, null);
  }

  /**
   * Converts a decoded image to 8-bit RGB by the rules in the class comment. Reads the raster
   * directly for component and palette images; other layouts (packed-int images built in memory) go
   * through {@code getRGB}.
   */
  public static RgbImage toRgb(BufferedImage image) {
    Objects.requireNonNull(image, "image");
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel icm) {
      copyPalette(raster, icm, w, h, out);
    } else if (cm instanceof ComponentColorModel
        && !cm.isAlphaPremultiplied()
        && raster.getSampleModel() instanceof ComponentSampleModel) {
      int colors = cm.getNumColorComponents();
      if (colors != 1 && colors != 3) {
        throw new ImageDecodeException(
            Problem.UNSUPPORTED,
            "image has "
                + colors
                + " colour components (CMYK?); convert it to RGB or grayscale first");
      }
      copyComponents(raster, colors, cm.getComponentSize(0), w, h, out);
    } else {
      copyViaArgb(image, w, h, out);
    }
    return new RgbImage(w, h, out);
  }

  private static void copyComponents(
      Raster raster, int colors, int bits, int w, int h, byte[] out) {
    ComponentSampleModel sm = (ComponentSampleModel) raster.getSampleModel();
    DataBuffer db = raster.getDataBuffer();
    int[] bankIndex = sm.getBankIndices();
    int[] bandOffset = sm.getBandOffsets();
    int pixelStride = sm.getPixelStride();
    int scanline = sm.getScanlineStride();
    int x0 = raster.getMinX() - raster.getSampleModelTranslateX();
    int y0 = raster.getMinY() - raster.getSampleModelTranslateY();
    int[] band = colors == 3 ? new int[] {0, 1, 2} : new int[] {0, 0, 0};
    int[] start = new int[3];
    for (int c = 0; c < 3; c++) {
      start[c] = db.getOffsets()[bankIndex[band[c]]] + bandOffset[band[c]];
    }
    if (db instanceof DataBufferByte bytes && bits == 8) {
      byte[] r = bytes.getData(bankIndex[band[0]]);
      byte[] g = bytes.getData(bankIndex[band[1]]);
      byte[] b = bytes.getData(bankIndex[band[2]]);
      int o = 0;
      for (int y = 0; y < h; y++) {
        int p = (y0 + y) * scanline + x0 * pixelStride;
        for (int x = 0; x < w; x++, p += pixelStride) {
          out[o++] = r[p + start[0]];
          out[o++] = g[p + start[1]];
          out[o++] = b[p + start[2]];
        }
      }
    } else if (db instanceof DataBufferUShort shorts && bits == 16) {
      short[] r = shorts.getData(bankIndex[band[0]]);
      short[] g = shorts.getData(bankIndex[band[1]]);
      short[] b = shorts.getData(bankIndex[band[2]]);
      int o = 0;
      for (int y = 0; y < h; y++) {
        int p = (y0 + y) * scanline + x0 * pixelStride;
        for (int x = 0; x < w; x++, p += pixelStride) {
          // The high byte, as PIL's 16-to-8-bit unpackers do.
          out[o++] = (byte) (r[p + start[0]] >> 8);
          out[o++] = (byte) (g[p + start[1]] >> 8);
          out[o++] = (byte) (b[p + start[2]] >> 8);
        }
      }
    } else {
      copySamples(raster, colors, bits, w, h, out);
    }
  }

  /** The slow general path for unusual sample sizes: scales {@code bits}-bit samples to 8 bits. */
  private static void copySamples(Raster raster, int colors, int bits, int w, int h, byte[] out) {
    int[] row = new int[w];
    int x0 = raster.getMinX();
    int y0 = raster.getMinY();
    long max = (1L << bits) - 1;
    for (int c = 0; c < 3; c++) {
      int band = colors == 3 ? c : 0;
      for (int y = 0; y < h; y++) {
        raster.getSamples(x0, y0 + y, w, 1, band, row);
        int o = y * w * 3 + c;
        for (int x = 0; x < w; x++, o += 3) {
          out[o] = (byte) (bits > 8 ? row[x] >>> (bits - 8) : (row[x] * 255L + max / 2) / max);
        }
      }
    }
  }

  private static void copyPalette(Raster raster, IndexColorModel icm, int w, int h, byte[] out) {
    int size = icm.getMapSize();
    byte[] reds = new byte[size];
    byte[] greens = new byte[size];
    byte[] blues = new byte[size];
    icm.getReds(reds);
    icm.getGreens(greens);
    icm.getBlues(blues);
    int[] row = new int[w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int i = row[x];
        boolean inPalette = i < size;
        out[o++] = inPalette ? reds[i] : 0;
        out[o++] = inPalette ? greens[i] : 0;
        out[o++] = inPalette ? blues[i] : 0;
      }
    }
  }

  private static void copyViaArgb(BufferedImage image, int w, int h, byte[] out) {
    int[] row = new int[w];
    int o = 0;
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        out[o++] = (byte) (argb >> 16);
        out[o++] = (byte) (argb >> 8);
        out[o++] = (byte) argb;
      }
    }
  }

  private static ImageReader newReader(ImageFormat format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(name(format));
    if (!readers.hasNext()) {
      throw new IllegalStateException("the JDK has no ImageIO reader for " + name(format));
    }
    return readers.next();
  }

  private static String name(ImageFormat format) {
    return format == ImageFormat.JPEG ? "JPEG" : "PNG";
  }

  /** libjpeg reports a short file as a warning and fills the rest with gray; PIL refuses it. */
  private static boolean isTruncation(String warning) {
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("truncated") || w.contains("premature end");
  }

  private static ImageDecodeException truncated(String what, String detail, Throwable cause) {
    return new ImageDecodeException(
        Problem.TRUNCATED,
        what + " is truncated (" + detail + "); the file was cut short, re-copy or re-extract it",
        cause);
  }

  private static ImageDecodeException classify(
      String what, ImageFormat format, IIOException e, List<String> warnings) {
    String msg = String.valueOf(e.getMessage());
    String lower = msg.toLowerCase(Locale.ROOT);
    if (lower.contains("unsupported image type")) {
      return new ImageDecodeException(
          Problem.UNSUPPORTED,
          what
              + " is a "
              + name(format)
              + " of a kind the JDK decoder does not handle ("
              + msg
              + "; typically CMYK or YCCK); re-encode it as an RGB JPEG or PNG",
          e);
    }
    boolean shortData =
        e.getCause() instanceof EOFException
            || lower.contains("eof")
            || lower.contains("no image data")
            || warnings.stream().anyMatch(ImageDecoder::isTruncation);
    if (shortData) {
      return truncated(what, msg, e);
    }
    return new ImageDecodeException(
        Problem.CORRUPT,
        what + " is a damaged " + name(format) + " (" + msg + "); re-extract or re-encode it",
        e);
  }
}
