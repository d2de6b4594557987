package io.avloc.benchmarks;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.ImagePreprocessor;
import io.avloc.core.image.RgbImage;
import io.avloc.core.image.TrainingAugmenter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Image preprocessing throughput, frames per second: a 640×480 JPEG (quality 90, 4:2:0) to the
 * normalized 3×224×224 network input, and its parts. Target: at least 300 frames/s per core for
 * {@link #jpegToInput}.
 *
 * <p>The JPEG is synthetic but photo-like in entropy (smooth shading, edges and sensor-like noise),
 * so decode cost is representative; its size is printed at setup.
 *
 * <p>Run: {@code benchmarks/run ImagePreprocessBenchmark -f 1 -wi 3 -i 5 -t 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ImagePreprocessBenchmark {

  private byte[] jpeg;
  private RgbImage decoded;
  private final ImagePreprocessor preprocessor = PreprocessingContract.standard(224).images();
  private final TrainingAugmenter augmenter = new TrainingAugmenter(224);
  private final SplittableRandom random = new SplittableRandom(1);

  @Setup
  public void setUp() throws IOException {
    jpeg = encodeJpeg(syntheticPhoto(640, 480, 7), 0.9f);
    decoded = ImageDecoder.decode(jpeg);
    System.out.println("\ninput: 640x480 JPEG, " + jpeg.length + " bytes");
  }

  /** Decode + resize + normalize: the serving path for one frame. */
  @Benchmark
  public float[] jpegToInput() {
    return preprocessor.preprocess(jpeg);
  }

  /** JPEG bytes to 8-bit RGB only. */
  @Benchmark
  public RgbImage decode() {
    return ImageDecoder.decode(jpeg);
  }

  /** PIL-compatible bicubic 640×480 → 224×224 and normalization to CHW floats. */
  @Benchmark
  public float[] resizeAndNormalize() {
    return preprocessor.preprocess(decoded);
  }

  /** Training augmentation of a decoded frame: shorter side to 246, crop, flip, normalize. */
  @Benchmark
  public float[] trainingAugmentation() {
    return augmenter.augment(decoded, random);
  }

  static BufferedImage syntheticPhoto(int w, int h, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    int[] px = new int[3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double sky = 1.0 - (double) y / h;
        double texture =
            Math.sin(x * 0.05 + Math.sin(y * 0.03) * 3) * Math.cos(y * 0.07 - x * 0.01);
        boolean object = (x - 420) * (x - 420) + (y - 260) * (y - 260) < 90 * 90;
        for (int c = 0; c < 3; c++) {
          double base = object ? 60 + 50 * c : 90 + 100 * sky * (c + 1) / 3.0;
          double v = base + 40 * texture + rnd.nextInt(-12, 13);
          px[c] = (int) Math.max(0, Math.min(255, v));
        }
        img.getRaster().setPixel(x, y, px);
      }
    }
    return img;
  }

  static byte[] encodeJpeg(BufferedImage img, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
