package io.avloc.streams.sync;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.MediaLimits;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.core.serde.MediaSerdes;
import io.avloc.modelserver.PairLocalizer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.LongToDoubleFunction;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The synchronizer in a topology of its own (two sources → {@link AvSynchronizer} → a sink) on a
 * {@link TopologyTestDriver}, with a {@link RecordingLocalizer} and helpers to publish frames and
 * audio in camera time.
 */
final class SyncTestBed implements AutoCloseable {

  static final String FRAMES = "avloc.frames";
  static final String AUDIO = "avloc.audio";
  static final String HEATMAPS = "avloc.heatmaps";
  static final String APPLICATION_ID = "avloc-sync-test";

  /** Camera time base, µs since the epoch; also the driver's initial wall clock. */
  static final long T0 = 1_700_000_000_000_000L;

  static final long MS = 1_000L;
  static final long S = 1_000_000L;

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

  final RecordingLocalizer localizer;
  final MeterRegistry registry = new SimpleMeterRegistry();
  final TopologyTestDriver driver;
  private final TestInputTopic<String, byte[]> frames;
  private final TestInputTopic<String, byte[]> audio;
  private final TestOutputTopic<String, HeatmapEvent> heatmaps;

  SyncTestBed(AvSyncConfig config) {
    this(config, new RecordingLocalizer(64), T0, null);
  }

  SyncTestBed(AvSyncConfig config, RecordingLocalizer localizer, long wallClockUs, Path stateDir) {
    this(config, localizer, wallClockUs, stateDir, SyncStores.builders());
  }

  SyncTestBed(
      AvSyncConfig config,
      RecordingLocalizer localizer,
      long wallClockUs,
      Path stateDir,
      Set<StoreBuilder<?>> stores) {
    this(config, localizer, wallClockUs, stateDir, stores, new Properties());
  }

  SyncTestBed(
      AvSyncConfig config,
      RecordingLocalizer localizer,
      long wallClockUs,
      Path stateDir,
      Set<StoreBuilder<?>> stores,
      Properties overrides) {
    this(
        config,
        localizer,
        localizer,
        wallClockUs,
        stateDir,
        stores,
        overrides,
        null,
        Runnable::run);
  }

  /**
   * A bed whose synchronizer reads {@code syncClockUs} instead of the driver's wall clock (the
   * driver's clock still fires the punctuators), and runs {@code engine}: for engines that take
   * time, which they add to that clock.
   */
  SyncTestBed(
      AvSyncConfig config,
      PairLocalizer engine,
      RecordingLocalizer localizer,
      long wallClockUs,
      LongSupplier syncClockUs) {
    this(config, engine, localizer, wallClockUs, syncClockUs, Runnable::run);
  }

  /**
   * A bed whose synchronizer hands its asynchronous batches to {@code inference} (the other beds
   * use a direct executor: each batch is done when it is handed over).
   */
  SyncTestBed(
      AvSyncConfig config,
      PairLocalizer engine,
      RecordingLocalizer localizer,
      long wallClockUs,
      LongSupplier syncClockUs,
      Executor inference) {
    this(
        config,
        engine,
        localizer,
        wallClockUs,
        null,
        SyncStores.builders(),
        new Properties(),
        syncClockUs,
        inference);
  }

  SyncTestBed(
      AvSyncConfig config,
      PairLocalizer engine,
      RecordingLocalizer localizer,
      long wallClockUs,
      Path stateDir,
      Set<StoreBuilder<?>> stores,
      Properties overrides,
      LongSupplier syncClockUs,
      Executor inference) {
    this.localizer = localizer;
    Properties props = new Properties();
    props.putAll(overrides);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        (stateDir != null ? stateDir : temporaryDirectory()).toString());
    driver =
        new TopologyTestDriver(
            topology(config, engine, registry, stores, syncClockUs, inference),
            props,
            Instant.ofEpochMilli(wallClockUs / MS));
    frames = driver.createInputTopic(FRAMES, new StringSerializer(), new ByteArraySerializer());
    audio = driver.createInputTopic(AUDIO, new StringSerializer(), new ByteArraySerializer());
    heatmaps =
        driver.createOutputTopic(
            HEATMAPS, Serdes.String().deserializer(), new HeatmapEventSerde().deserializer());
  }

  static Topology topology(
      AvSyncConfig config,
      PairLocalizer localizer,
      MeterRegistry registry,
      Set<StoreBuilder<?>> stores) {
    return topology(config, localizer, registry, stores, null, Runnable::run);
  }

  static Topology topology(
      AvSyncConfig config,
      PairLocalizer localizer,
      MeterRegistry registry,
      Set<StoreBuilder<?>> stores,
      LongSupplier syncClockUs,
      Executor inference) {
    MediaValidator validator = new MediaValidator(new MediaLimits(1 << 20, 1 << 20, false));
    Topology topology = new Topology();
    topology.addSource(
        "frames",
        Serdes.String().deserializer(),
        MediaSerdes.videoFrame(validator).deserializer(),
        FRAMES);
    topology.addSource(
        "audio",
        Serdes.String().deserializer(),
        MediaSerdes.audioChunk(validator).deserializer(),
        AUDIO);
    topology.addProcessor(
        AvSynchronizer.NAME,
        AvSynchronizer.supplier(
            config,
            PairStage.localizing(localizer),
            SyncMetrics.boundTo(registry),
            syncClockUs,
            stores,
            inference),
        "frames",
        "audio");
    topology.addSink(
        "heatmaps",
        HEATMAPS,
        Serdes.String().serializer(),
        new HeatmapEventSerde().serializer(),
        AvSynchronizer.NAME);
    return topology;
  }

  private static Path temporaryDirectory() {
    try {
      Path dir = Files.createTempDirectory("avloc-sync-test");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Publishes a frame captured at {@code tsUs}, with extra headers. */
  void frame(String camera, long tsUs, Header... extra) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(AvlocHeaders.TS_US, Long.toString(tsUs).getBytes(StandardCharsets.UTF_8));
    headers.add(AvlocHeaders.FORMAT, "png".getBytes(StandardCharsets.UTF_8));
    for (Header h : extra) {
      headers.add(h);
    }
    byte[] value = ByteBuffer.allocate(16).put(PNG_SIGNATURE).putLong(tsUs).array();
    frames.pipeInput(new TestRecord<>(camera, value, headers, tsUs / MS));
  }

  static Header header(String key, String value) {
    return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes one chunk of interleaved samples in [-1, 1]. */
  void audioChunk(String camera, long tsUs, int rate, int channels, float[] interleaved) {
    byte[] pcm = AudioChunk.fromMono(tsUs, rate, interleaved).pcm();
    RecordHeaders headers = new RecordHeaders();
    headers.add(AvlocHeaders.TS_US, Long.toString(tsUs).getBytes(StandardCharsets.UTF_8));
    headers.add(AvlocHeaders.FORMAT, AudioChunk.FORMAT.getBytes(StandardCharsets.UTF_8));
    headers.add(AvlocHeaders.SAMPLE_RATE, Integer.toString(rate).getBytes(StandardCharsets.UTF_8));
    headers.add(AvlocHeaders.CHANNELS, Integer.toString(channels).getBytes(StandardCharsets.UTF_8));
    audio.pipeInput(new TestRecord<>(camera, pcm, headers, tsUs / MS));
  }

  /**
   * Publishes mono audio for [fromUs, toUs) in chunks of {@code chunkUs}, sample value {@code
   * signal(time of the sample in µs)}.
   */
  void audio(
      String camera, long fromUs, long toUs, long chunkUs, int rate, LongToDoubleFunction signal) {
    for (long ts = fromUs; ts < toUs; ts += chunkUs) {
      audioChunk(camera, ts, rate, 1, samples(ts, Math.min(chunkUs, toUs - ts), rate, signal));
    }
  }

  /** {@link #audio} at 16 kHz in 100 ms chunks. */
  void audio(String camera, long fromUs, long toUs, LongToDoubleFunction signal) {
    audio(camera, fromUs, toUs, 100 * MS, 16_000, signal);
  }

  static float[] samples(long tsUs, long durationUs, int rate, LongToDoubleFunction signal) {
    int n = (int) (durationUs * rate / S);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) signal.applyAsDouble(tsUs + i * S / rate);
    }
    return out;
  }

  void advanceWallClock(Duration d) {
    driver.advanceWallClockTime(d);
  }

  List<TestRecord<String, HeatmapEvent>> heatmaps() {
    return heatmaps.readRecordsToList();
  }

  double dropped(DropReason reason) {
    Counter c = registry.find(SyncMetrics.FRAMES_DROPPED).tag("reason", reason.tag()).counter();
    return c == null ? 0 : c.count();
  }

  double lateAudio() {
    return registry.find(SyncMetrics.AUDIO_DROPPED).tag("reason", "late").counter().count();
  }

  double pairs(String audio) {
    return registry.find(SyncMetrics.PAIRS).tag("audio", audio).counter().count();
  }

  double expiredCameras() {
    return registry.find(SyncMetrics.CAMERAS_EXPIRED).counter().count();
  }

  double activeCameras() {
    Gauge g = registry.find(SyncMetrics.CAMERAS_ACTIVE).gauge();
    return g.value();
  }

  @Override
  public void close() {
    driver.close();
  }

  /** Entries in one of the synchronizer's stores ({@link SyncStores}). */
  long storeSize(String store) {
    KeyValueStore<Object, Object> s = driver.getKeyValueStore(store);
    long n = 0;
    try (KeyValueIterator<Object, Object> it = s.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  /** Copies a state folder, as a restarted instance would find it on disk. */
  static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      paths.forEach(
          p -> {
            try {
              Path target = to.resolve(from.relativize(p).toString());
              if (Files.isDirectory(p)) {
                Files.createDirectories(target);
              } else {
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
