package io.avloc.benchmarks;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.model.Preset;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.InferenceEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Where the time of one embedded-inference batch goes, in process, on the same batches: (a) the raw
 * engine ({@link InferenceEngine#run} on preprocessed inputs, what "pairs/s of ONNX Runtime"
 * means), (b) {@link PairInference#localize} on pairs as the synchronizer hands them over (frame
 * decode + resize, spectrogram, engine run, post-processing), and the preprocessing alone. No
 * Kafka: the ratio (b)/(a) is the ceiling the streams pipeline can reach before Kafka Streams, the
 * broker and exactly-once add their cost.
 *
 * <pre>
 * mvn -B -o -q -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true
 * java -Dai.djl.offline=true -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *     io.avloc.benchmarks.InferenceStageTiming [preset=lite] [batch=8] [batches=40] [width=320] [height=240]
 * </pre>
 */
public final class InferenceStageTiming {

  private InferenceStageTiming() {}

  public static void main(String[] args) throws Exception {
    String preset = "lite";
    int batch = 8;
    int batches = 40;
    int width = 320;
    int height = 240;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      switch (kv[0]) {
        case "preset" -> preset = kv[1];
        case "batch" -> batch = Integer.parseInt(kv[1]);
        case "batches" -> batches = Integer.parseInt(kv[1]);
        case "width" -> width = Integer.parseInt(kv[1]);
        case "height" -> height = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    Engine.getEngine("OnnxRuntime");
    Path dir = Files.createTempDirectory("avloc-stage-timing-");
    ModelExporter.exportUntrained(
        Preset.of(preset), ModelExporter.Description.untrained("timing", "1", 1), 1, dir);
    ModelArtifact artifact = ModelArtifact.load(dir);
    PreprocessingContract contract = artifact.preprocessing();
    Random random = new Random(1);
    List<List<AvPair>> work = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      List<AvPair> pairs = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        float[] audio = new float[contract.windowSamples()];
        for (int k = 0; k < audio.length; k++) {
          audio[k] = (float) (0.1 * random.nextGaussian());
        }
        long ts = 1_700_000_000_000_000L + (b * batch + i) * 200_000L;
        pairs.add(
            new AvPair(
                "cam-" + i,
                new VideoFrame(ts, ImageFormat.JPEG, jpeg(width, height, random)),
                audio,
                ts - 2_500_000,
                ts + 500_000,
                false,
                ts,
                ts));
      }
      work.add(pairs);
    }
    try (InferenceEngine engine =
            Engines.load(artifact, List.of(EngineKind.ONNXRUNTIME), EngineOptions.DEFAULTS)
                .engine();
        BatchModel model = BatchModel.of(engine)) {
      PairInference inference =
          new PairInference(model, batch, new SimpleMeterRegistry(), () -> 0L);
      float[] images = new float[batch * contract.imageFloats()];
      float[] specs = new float[batch * contract.spectrogramFloats()];
      float[] spec = new float[contract.spectrogramFloats()];
      for (int round = 0; round < 2; round++) { // round 0 warms up
        long engineNs = 0;
        long preNs = 0;
        long pipelineNs = 0;
        for (int b = 0; b < batches; b++) {
          List<AvPair> pairs = work.get(b % work.size());
          long t0 = System.nanoTime();
          for (int i = 0; i < batch; i++) {
            contract.frameInto(pairs.get(i).frame().data(), images, i * contract.imageFloats());
            contract.spectrogram().computeInto(pairs.get(i).audio(), spec);
            System.arraycopy(spec, 0, specs, i * spec.length, spec.length);
          }
          long t1 = System.nanoTime();
          engine.run(images, specs, batch, contract.frames());
          long t2 = System.nanoTime();
          inference.localize(pairs, 0);
          long t3 = System.nanoTime();
          preNs += t1 - t0;
          engineNs += t2 - t1;
          pipelineNs += t3 - t2;
        }
        if (round == 1) {
          double n = (double) batches * batch;
          double engineRate = n / (engineNs / 1e9);
          double pipelineRate = n / (pipelineNs / 1e9);
          System.out.printf(
              Locale.ROOT,
              "preset %s, batch %d, %d batches, %dx%d JPEG frames, %d cores%n"
                  + "  raw engine           %7.1f pairs/s (%.2f ms/pair)%n"
                  + "  preprocessing alone  %7.1f pairs/s (%.2f ms/pair: decode+resize+spectrogram)%n"
                  + "  PairInference        %7.1f pairs/s (%.2f ms/pair)%n"
                  + "  ratio PairInference / raw engine: %.2f%n",
              preset,
              batch,
              batches,
              width,
              height,
              Runtime.getRuntime().availableProcessors(),
              engineRate,
              engineNs / 1e6 / n,
              n / (preNs / 1e9),
              preNs / 1e6 / n,
              pipelineRate,
              pipelineNs / 1e6 / n,
              pipelineRate / engineRate);
        }
      }
    }
  }

  private static byte[] jpeg(int width, int height, Random random) throws Exception {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int v = (x * 255 / width + random.nextInt(32)) & 0xff;
        img.setRGB(x, y, v << 16 | ((y * 255 / height) & 0xff) << 8 | random.nextInt(256));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }
}
