package io.avloc.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.audio.Spectrogram;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.AvPair;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class BatchPreprocessorTest {

  private static final long T = 1_700_000_003_000_000L;
  private static final PreprocessingContract CONTRACT = PreprocessingContract.standard(64);
  private static final int SAMPLES = 48_000;
  private static final int FRAMES = Spectrogram.frameCount(SAMPLES);

  private static byte[] png(int shade) throws Exception {
    BufferedImage img = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 60; y++) {
      for (int x = 0; x < 80; x++) {
        img.setRGB(x, y, ((shade * 7 + x) & 0xff) << 16 | ((shade * 13 + y) & 0xff) << 8 | shade);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static AvPair pair(int i, byte[] image, int samples) {
    float[] audio = new float[samples];
    for (int k = 0; k < samples; k++) {
      audio[k] = (float) (0.3 * Math.sin(k * (0.01 + 0.005 * i)));
    }
    return new AvPair(
        "cam-" + i,
        new VideoFrame(T + i, ImageFormat.PNG, image),
        audio,
        T - 2_500_000,
        T + 500_000,
        false,
        T,
        T);
  }

  private static List<AvPair> batch(int n) throws Exception {
    List<AvPair> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pairs.add(pair(i, png(i * 30), SAMPLES));
    }
    return pairs;
  }

  private record Inputs(float[] images, float[] specs) {}

  private static Inputs prepare(BatchPreprocessor p, List<AvPair> pairs) {
    float[] images = new float[pairs.size() * CONTRACT.imageFloats()];
    float[] specs = new float[pairs.size() * CONTRACT.frequencyBins() * FRAMES];
    p.prepare(pairs, images, specs, FRAMES);
    return new Inputs(images, specs);
  }

  @Test
  void parallelPreprocessingWritesEachPairToItsOwnSlotInBatchOrder() throws Exception {
    List<AvPair> pairs = batch(7);
    Inputs parallel = prepare(new BatchPreprocessor(CONTRACT, 4), pairs);

    // Each slot equals that pair preprocessed alone, in the caller's thread.
    for (int i = 0; i < pairs.size(); i++) {
      float[] image = new float[CONTRACT.imageFloats()];
      CONTRACT.frameInto(pairs.get(i).frame().data(), image, 0);
      float[] spec = new float[CONTRACT.frequencyBins() * FRAMES];
      CONTRACT.spectrogram().computeInto(pairs.get(i).audio(), spec);
      int io = i * image.length;
      int so = i * spec.length;
      assertThat(java.util.Arrays.copyOfRange(parallel.images(), io, io + image.length))
          .as("image of pair %d", i)
          .isEqualTo(image);
      assertThat(java.util.Arrays.copyOfRange(parallel.specs(), so, so + spec.length))
          .as("spectrogram of pair %d", i)
          .isEqualTo(spec);
    }
    // And the whole batch equals the sequential one.
    Inputs sequential = prepare(new BatchPreprocessor(CONTRACT, 1), pairs);
    assertThat(parallel.images()).isEqualTo(sequential.images());
    assertThat(parallel.specs()).isEqualTo(sequential.specs());
  }

  @Test
  void undecodableFramesAreReportedByTheLowestIndexAfterTheOthersArePrepared() throws Exception {
    List<AvPair> pairs = batch(6);
    byte[] good = png(99);
    byte[] broken = java.util.Arrays.copyOf(good, good.length / 2); // header kept, data cut off
    pairs.set(4, pair(4, broken, SAMPLES));
    pairs.set(2, pair(2, broken, SAMPLES));
    BatchPreprocessor p = new BatchPreprocessor(CONTRACT, 3);
    float[] images = new float[pairs.size() * CONTRACT.imageFloats()];
    float[] specs = new float[pairs.size() * CONTRACT.frequencyBins() * FRAMES];

    assertThatThrownBy(() -> p.prepare(pairs, images, specs, FRAMES))
        .isInstanceOfSatisfying(
            PairInputException.class,
            e -> {
              assertThat(e.index()).isEqualTo(2);
              assertThat(e.reason()).isEqualTo("UNDECODABLE_IMAGE");
              assertThat(e.getMessage()).contains("cam-2").contains("does not decode");
            });

    // Without the bad pairs (what PairStage runs next) the rest prepares as it would alone.
    List<AvPair> rest = new ArrayList<>(pairs);
    rest.remove(4);
    rest.remove(2);
    Inputs again = prepare(p, rest);
    Inputs sequential = prepare(new BatchPreprocessor(CONTRACT, 1), rest);
    assertThat(again.images()).isEqualTo(sequential.images());
    assertThat(again.specs()).isEqualTo(sequential.specs());
  }

  @Test
  void aWindowOfAnotherLengthIsRefused() throws Exception {
    List<AvPair> pairs = batch(3);
    pairs.set(1, pair(1, png(5), SAMPLES / 2));
    float[] images = new float[3 * CONTRACT.imageFloats()];
    float[] specs = new float[3 * CONTRACT.frequencyBins() * FRAMES];

    assertThatThrownBy(
            () -> new BatchPreprocessor(CONTRACT, 2).prepare(pairs, images, specs, FRAMES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("share the audio window length");
  }

  @Test
  void parallelismIsAtLeastOne() {
    assertThatThrownBy(() -> new BatchPreprocessor(CONTRACT, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThat(new BatchPreprocessor(CONTRACT, 1).parallelism()).isEqualTo(1);
  }
}
