package io.avloc.modelserver.serve;

import ai.djl.engine.Engine;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.model.Preset;
import io.avloc.core.pair.AvPair;
import io.avloc.core.pair.PairCodec;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.testkit.MediaRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;

/** A real (untrained) lite model and pair records as the streams application writes them. */
final class TestPairs {
  private TestPairs() {}

  static final long T0 = 1_700_000_000_000_000L;
  static final String MODEL_ID = "serve-test@1";

  private static BatchModel model;

  /** One lite model per test JVM, exported to a temporary folder on first use. */
  static synchronized BatchModel model() {
    if (model == null) {
      try {
        Engine.getEngine("OnnxRuntime");
        Path dir = Files.createTempDirectory("avloc-serve-model-");
        ModelExporter.exportUntrained(
            Preset.LITE, ModelExporter.Description.untrained("serve-test", "1", 11), 11, dir);
        model =
            BatchModel.of(
                Engines.load(
                        ModelArtifact.load(dir),
                        List.of(EngineKind.ONNXRUNTIME),
                        EngineOptions.DEFAULTS)
                    .engine());
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        Utils.delete(dir.toFile());
                      } catch (IOException e) {
                        // best effort
                      }
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return model;
  }

  /**
   * A pair of {@code camera} at {@code tsUs}: a JPEG and 3 s of a tone, window [t−2.5 s, t+0.5 s).
   */
  static AvPair pair(String camera, long tsUs, int x) {
    byte[] pcm = MediaRecords.tone(3000, 440, tsUs / 1000);
    float[] audio = new float[pcm.length / 2];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8)) / 32767f;
    }
    long now = System.currentTimeMillis() * 1000;
    return new AvPair(
        camera,
        new VideoFrame(tsUs, ImageFormat.JPEG, MediaRecords.jpeg(96, 72, x)),
        audio,
        tsUs - 2_500_000,
        tsUs + 500_000,
        false,
        now,
        now);
  }

  /** The pairs-topic record of {@code pair}, with a pass-through {@code gt-class} header. */
  static ProducerRecord<byte[], byte[]> record(String topic, AvPair pair) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("gt-class", ("ball-" + pair.camera()).getBytes(StandardCharsets.UTF_8));
    byte[] value = PairCodec.encode(pair, headers);
    return new ProducerRecord<>(
        topic,
        null,
        pair.frameTsUs() / 1000,
        pair.camera().getBytes(StandardCharsets.UTF_8),
        value,
        headers);
  }
}
