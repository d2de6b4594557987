package io.avloc.streams;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.MediaLimits;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.RecordLimits;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.PairCodec;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.modelserver.PairLocalizer;
import io.avloc.streams.ingest.ClockSkewGuard;
import io.avloc.streams.ingest.MediaIngest;
import io.avloc.streams.sync.AvSyncConfig;
import io.avloc.streams.sync.AvSynchronizer;
import io.avloc.streams.sync.CameraClocks;
import io.avloc.streams.sync.InferenceDeadLetters;
import io.avloc.streams.sync.SyncMode;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
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
 * Sources read raw bytes so a record that is not even decodable is dead-lettered, never fatal;
 * records stamped too far in the future are dead-lettered by the validation processors too ({@link
 * ClockSkewGuard}, which reads the synchronizer's camera clocks: it runs before the synchronizer so
 * that a bad timestamp never reaches a camera's state, and there the original bytes are still at
 * hand for the dead letter). In embedded mode the synchronizer localizes its micro-batches and
 * writes heatmaps; in distributed mode ({@code avloc.inference.mode=distributed}) it writes each
 * ready pair to the pairs topic ({@link PairCodec}) for {@code avloc serve}.
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
    return build(settings, localizer, registry, settings.recordLimits().pairRecordBytes());
  }

  /**
   * As above, for a dead-letter topic that accepts records of at most {@code deadLetterBytes}
   * (larger dead letters are truncated to fit, never fatal).
   */
  public static Topology build(
      StreamsSettings settings,
      PairLocalizer localizer,
      MeterRegistry registry,
      int deadLetterBytes) {
    InferenceMode mode = InferenceMode.of(settings);
    if ((mode == InferenceMode.EMBEDDED) != (localizer != null)) {
      throw new IllegalArgumentException(
          mode == InferenceMode.EMBEDDED
              ? "embedded inference needs a localizer"
              : "distributed inference runs on the model servers; pass no localizer");
    }
    String frames = settings.get(StreamsSettings.TOPIC_FRAMES_CONFIG);
    String audio = settings.get(StreamsSettings.TOPIC_AUDIO_CONFIG);
    RecordLimits limits = settings.recordLimits();
    MediaValidator validator =
        new MediaValidator(
            new MediaLimits(
                limits.maxFrameBytes(),
                limits.maxAudioBytes(),
                // Ingest checks the header only (signature, dimensions against the image
                // limits): the one decode of a frame is at inference, and only if it is paired.
                false));
    Duration skewTolerance = settings.getMillis(StreamsSettings.CLOCK_SKEW_MS_CONFIG);
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
                registry,
                deadLetterBytes,
                VideoFrame::tsUs,
                new ClockSkewGuard(skewTolerance)),
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
                registry,
                deadLetterBytes,
                AudioChunk::tsUs,
                new ClockSkewGuard(skewTolerance)),
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
          settings.get(StreamsSettings.TOPIC_HEATMAPS_CONFIG),
          new StringSerializer(),
          new HeatmapEventSerde().serializer(),
          AvSynchronizer.NAME);
      t.addProcessor(
          InferenceDeadLetters.NAME,
          () -> new InferenceDeadLetters(frames, registry, deadLetterBytes),
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
          settings.get(StreamsSettings.TOPIC_PAIRS_CONFIG),
          new StringSerializer(),
          PairCodec.serializer(),
          AvSynchronizer.NAME);
    }
    // The clock-skew guards read the cameras' clocks that the synchronizer keeps.
    t.connectProcessorAndStateStores(VALIDATE_FRAMES, CameraClocks.STORE);
    t.connectProcessorAndStateStores(VALIDATE_AUDIO, CameraClocks.STORE);
    t.addSink(
        DEADLETTER_SINK,
        settings.get(StreamsSettings.TOPIC_DEADLETTER_CONFIG),
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
    String mode =
        s.get(StreamsSettings.SYNC_MODE_CONFIG).toLowerCase(Locale.ROOT).replace('-', '_');
    SyncMode m =
        switch (mode) {
          case "realtime", "real_time" -> SyncMode.REALTIME;
          case "catch_up", "catchup" -> SyncMode.CATCH_UP;
          default ->
              throw new IllegalArgumentException(
                  "avloc.sync.mode must be realtime or catch-up, got '"
                      + s.get(StreamsSettings.SYNC_MODE_CONFIG)
                      + "'");
        };
    return AvSyncConfig.defaults()
        .withWindow(s.getMillis(StreamsSettings.SYNC_WINDOW_MS_CONFIG))
        .withLookahead(s.getMillis(StreamsSettings.SYNC_LOOKAHEAD_MS_CONFIG))
        .withGrace(s.getMillis(StreamsSettings.SYNC_GRACE_MS_CONFIG))
        .withMaxRateHz(s.getDouble(StreamsSettings.SYNC_RATE_HZ_CONFIG))
        .withMode(m)
        .withStaleBudget(s.getMillis(StreamsSettings.SYNC_STALE_BUDGET_MS_CONFIG))
        .withMaxBatch(s.getInt(StreamsSettings.BATCH_MAX_CONFIG))
        .withMaxDelay(s.getMillis(StreamsSettings.BATCH_DELAY_MS_CONFIG))
        .withCameraIdleTimeout(s.getMillis(StreamsSettings.SYNC_CAMERA_IDLE_MS_CONFIG))
        .withAsyncBatches(s.getBoolean(StreamsSettings.SYNC_ASYNC_BATCHES_CONFIG));
  }
}
