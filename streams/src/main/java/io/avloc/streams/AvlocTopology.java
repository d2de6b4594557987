package io.avloc.streams;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.MediaLimits;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.PairCodec;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.streams.ingest.MediaIngest;
import io.avloc.streams.sync.AvSyncConfig;
import io.avloc.streams.sync.AvSynchronizer;
import io.avloc.streams.sync.InferenceDeadLetters;
import io.avloc.streams.sync.SyncMode;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The avloc topology, one factory used by the application and by its tests:
 *
 * <pre>
 * avloc.frames ─► validate-frames ─┬─────────────► avloc-sync ─► avloc.heatmaps (embedded)
 * avloc.audio  ─► validate-audio  ─┤ (invalid)        (stores,  └► avloc.pairs   (distributed)
 *                                  └─► avloc.deadletter  micro-batches)
 *                                            ▲
 *          inference-deadletter ◄────────────┘ (embedded: frames whose pixels do not decode)
 * </pre>
 *
 * Sources read raw bytes so a record that is not even decodable is dead-lettered, never fatal. In
 * embedded mode the synchronizer localizes its micro-batches and writes heatmaps; in distributed
 * mode ({@code avloc.inference.mode=distributed}) it writes each ready pair to the pairs topic
 * ({@link PairCodec}) for {@code avloc serve}.
 */
public final class AvlocTopology {

  public static final String FRAMES_SOURCE = "frames";
  public static final String AUDIO_SOURCE = "audio";
  public static final String VALIDATE_FRAMES = "validate-frames";
  public static final String VALIDATE_AUDIO = "validate-audio";
  public static final String DEADLETTER_SINK = "deadletter";
  public static final String HEATMAP_SINK = "heatmaps";
  public static final String PAIRS_SINK = "pairs";

  private static final Logger LOG = LoggerFactory.getLogger(AvlocTopology.class);

  private AvlocTopology() {}

  /**
   * The topology for {@code settings}.
   *
   * @param localizer runs inference in embedded mode; must be null in distributed mode, where the
   *     model servers run it
   */
  public static Topology build(
      StreamsSettings settings, PairLocalizer localizer, MeterRegistry registry) {
    InferenceMode mode = InferenceMode.of(settings);
    if ((mode == InferenceMode.EMBEDDED) != (localizer != null)) {
      throw new IllegalArgumentException(
          mode == InferenceMode.EMBEDDED
              ? "embedded inference needs a localizer"
              : "distributed inference runs on the model servers; pass no localizer");
    }
    String frames = settings.get("avloc.topic.frames");
    String audio = settings.get("avloc.topic.audio");
    MediaValidator validator =
        new MediaValidator(
            new MediaLimits(
                settings.getInt("avloc.limits.frame.bytes"),
                settings.getInt("avloc.limits.audio.bytes"),
                // Ingest checks the header only (signature, dimensions against the image
                // limits): the one decode of a frame is at inference, and only if it is paired.
                false));
    Topology t = new Topology();
    t.addSource(FRAMES_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), frames);
    t.addSource(AUDIO_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), audio);
    t.addProcessor(
        VALIDATE_FRAMES,
        () ->
            new MediaIngest<VideoFrame>(
                validator,
                MediaValidator::checkedFrame,
                frames,
                AvSynchronizer.NAME,
                DEADLETTER_SINK,
                registry),
        FRAMES_SOURCE);
    t.addProcessor(
        VALIDATE_AUDIO,
        () ->
            new MediaIngest<AudioChunk>(
                validator,
                MediaValidator::audio,
                audio,
                AvSynchronizer.NAME,
                DEADLETTER_SINK,
                registry),
        AUDIO_SOURCE);
    List<String> deadLetterParents = new ArrayList<>(List.of(VALIDATE_FRAMES, VALIDATE_AUDIO));
    if (mode == InferenceMode.EMBEDDED) {
      t.addProcessor(
          AvSynchronizer.NAME,
          AvSynchronizer.supplier(syncConfig(settings, localizer), localizer, registry),
          VALIDATE_FRAMES,
          VALIDATE_AUDIO);
      t.addSink(
          HEATMAP_SINK,
          settings.get("avloc.topic.heatmaps"),
          new StringSerializer(),
          new HeatmapEventSerde().serializer(),
          AvSynchronizer.NAME);
      t.addProcessor(
          InferenceDeadLetters.NAME,
          () -> new InferenceDeadLetters(frames, registry),
          AvSynchronizer.NAME);
      deadLetterParents.add(InferenceDeadLetters.NAME);
    } else {
      t.addProcessor(
          AvSynchronizer.NAME,
          AvSynchronizer.pairSupplier(syncConfig(settings), registry),
          VALIDATE_FRAMES,
          VALIDATE_AUDIO);
      t.addSink(
          PAIRS_SINK,
          settings.get("avloc.topic.pairs"),
          new StringSerializer(),
          PairCodec.serializer(),
          AvSynchronizer.NAME);
    }
    t.addSink(
        DEADLETTER_SINK,
        settings.get("avloc.topic.deadletter"),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        deadLetterParents.toArray(String[]::new));
    return t;
  }

  /**
   * The synchronizer's configuration in embedded mode: the audio window is the model's, from its
   * manifest ({@link PairLocalizer#preprocessing()}), whatever {@code avloc.sync.window.ms} says: a
   * network fed another window than it was trained on gives another spectrogram shape. A localizer
   * without a contract (a test fake) keeps the setting.
   */
  public static AvSyncConfig syncConfig(StreamsSettings s, PairLocalizer localizer) {
    AvSyncConfig config = syncConfig(s);
    PreprocessingContract contract = localizer == null ? null : localizer.preprocessing();
    if (contract == null) {
      return config;
    }
    if (!config.window().equals(contract.window())) {
      LOG.warn(
          "avloc.sync.window.ms is {} ms but model {} was trained on {} ms windows; using the"
              + " model's",
          config.window().toMillis(),
          localizer.modelId(),
          contract.window().toMillis());
    }
    return config.withWindow(contract.window());
  }

  /** The synchronizer's configuration from {@code avloc.sync.*} and {@code avloc.batch.*}. */
  public static AvSyncConfig syncConfig(StreamsSettings s) {
    String mode = s.get("avloc.sync.mode").toLowerCase(Locale.ROOT).replace('-', '_');
    SyncMode m =
        switch (mode) {
          case "realtime", "real_time" -> SyncMode.REALTIME;
          case "catch_up", "catchup" -> SyncMode.CATCH_UP;
          default ->
              throw new IllegalArgumentException(
                  "avloc.sync.mode must be realtime or catch-up, got '"
                      + s.get("avloc.sync.mode")
                      + "'");
        };
    return AvSyncConfig.defaults()
        .withWindow(s.getMillis("avloc.sync.window.ms"))
        .withLookahead(s.getMillis("avloc.sync.lookahead.ms"))
        .withGrace(s.getMillis("avloc.sync.grace.ms"))
        .withMaxRateHz(s.getDouble("avloc.sync.rate.hz"))
        .withMode(m)
        .withStaleBudget(s.getMillis("avloc.sync.stale.budget.ms"))
        .withMaxBatch(s.getInt("avloc.batch.max"))
        .withMaxDelay(s.getMillis("avloc.batch.delay.ms"))
        .withCameraIdleTimeout(s.getMillis("avloc.sync.camera.idle.ms"));
  }
}
