package io.avloc.training.eval;

import io.avloc.core.image.ImageNormalizer;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.training.data.Annotation;
import io.avloc.training.data.Sample;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Writes tiny annotated clips for the evaluation tests: a black frame with the ground-truth box
 * painted white, and one second of a 16 kHz sine. A {@link #brightness} predictor that returns the
 * frame's brightness as its "similarity map" is then exactly high inside the box.
 */
final class TestClips {
  static final int SIDE = 224;

  private TestClips() {}

  /**
   * A clip whose frame is white inside {@code paint} (or all black for null) and whose truth is
   * {@code boxes}.
   */
  static Sample clip(Path dir, String id, NormalizedBox paint, List<NormalizedBox> boxes)
      throws IOException {
    return clip(dir, id, paint, SIDE, SIDE, boxes);
  }

  static Sample clip(
      Path dir, String id, NormalizedBox paint, int width, int height, List<NormalizedBox> boxes)
      throws IOException {
    Files.createDirectories(dir.resolve("frames"));
    Files.createDirectories(dir.resolve("audio"));
    Path image = dir.resolve("frames").resolve(id + ".png");
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    if (paint != null) {
      for (int y = (int) (paint.y1() * height); y < (int) (paint.y2() * height); y++) {
        for (int x = (int) (paint.x1() * width); x < (int) (paint.x2() * width); x++) {
          img.setRGB(x, y, 0xFFFFFF);
        }
      }
    }
    ImageIO.write(img, "png", image.toFile());
    Path audio = dir.resolve("audio").resolve(id + ".wav");
    writeSine(audio, 16_000, 1.0, 440);
    return new Sample(id, image, audio, "test", new Annotation.Vggss(boxes));
  }

  static void writeSine(Path file, int rate, double seconds, double hz) throws IOException {
    int n = (int) (rate * seconds);
    ByteBuffer pcm = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      pcm.putShort((short) (8000 * Math.sin(2 * Math.PI * hz * i / rate)));
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    try (AudioInputStream in =
        new AudioInputStream(new ByteArrayInputStream(pcm.array()), format, n)) {
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
    }
  }

  /**
   * A predictor whose map for each image is its red channel, de-normalized to [0, 1], at the image
   * size: high exactly where the frame was painted white.
   */
  static MapPredictor brightness(int side) {
    float mean = ImageNormalizer.IMAGENET_MEAN[0];
    float std = ImageNormalizer.IMAGENET_STD[0];
    return (images, spectrograms, n, frames) -> {
      int plane = side * side;
      float[] maps = new float[n * plane];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < plane; k++) {
          maps[i * plane + k] = images[i * 3 * plane + k] * std + mean;
        }
      }
      return new MapPredictor.Prediction(n, side, side, maps);
    };
  }
}
