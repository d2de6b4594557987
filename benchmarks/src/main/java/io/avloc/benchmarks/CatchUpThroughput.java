package io.avloc.benchmarks;

import ai.djl.engine.Engine;
import io.avloc.broker.KafkaBroker;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.model.Preset;
import io.avloc.core.pair.AvPair;
import io.avloc.feed.FeedPublisher;
import io.avloc.feed.FeedSettings;
import io.avloc.feed.SyntheticCameras;
import io.avloc.modelserver.BatchModel;
import io.avloc.modelserver.PairInference;
import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.streams.AvlocStreamsApp;
import io.avloc.streams.AvlocTopology;
import io.avloc.streams.StreamsSettings;
import io.avloc.streams.TopicSetup;
import io.avloc.streams.sync.AvSyncConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The fair throughput ratio of issue 11 (point 4): the pipeline's heatmaps/s in catch-up mode over
 * pre-loaded topics, against the raw engine's pairs/s on the same pairs, in one run.
 *
 * <ol>
 *   <li>Starts a real broker (KRaft) and pre-loads {@code cameras} synthetic cameras × {@code
 *       seconds} of media (25 fps JPEG frames, 100 ms audio chunks) as fast as possible, so no feed
 *       competes with what is measured.
 *   <li>Reads the frames back and works out the heatmaps that are due: the frames the 5 Hz cap
 *       accepts whose readiness is certain (the camera's clock passes t + lookahead + grace).
 *   <li>(a) Raw engine: those frames (same JPEGs) with audio windows of the model's length,
 *       preprocessed once, in batches of {@code batch} in the pipeline's camera round-robin order;
 *       the engine alone is timed. Also in process, on the same batches: the preprocessing alone
 *       and {@link PairInference} (everything but Kafka).
 *   <li>(b) Pipeline: {@code avloc streams} in-process ({@link AvlocStreamsApp}, catch-up mode,
 *       exactly-once, embedded ONNX Runtime) over the pre-loaded topics; a read-committed consumer
 *       times the arrival of every due heatmap. Reports the rate from the start call (model load
 *       and task start-up included), from RUNNING, and the steady rate between 10 % and 90 % of the
 *       due heatmaps; the time inside the localizer (preprocessing + engine) out of the stream
 *       thread's wall time; optionally a JFR recording of this phase only.
 *   <li>(a) again, so that a load change during the run shows.
 * </ol>
 *
 * <pre>
 * mvn -B -o -q -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true
 * benchmarks/catchup-throughput.sh [preset=lite] [cameras=8] [seconds=30] [batch=8] \
 *     [model=DIR] [jfr=FILE.jfr] [warmup=N] [set.KEY=VALUE ...] [variant.KEY=VALUE ...]
 * </pre>
 *
 * {@code warmup=N} runs the pipeline N times as given before the measured runs (not reported): in a
 * fresh JVM the first run shares both cores with the JIT compiler.
 *
 * <p>{@code set.KEY=VALUE} passes a streams setting ({@code avloc.*} or a Kafka Streams key), e.g.
 * {@code set.commit.interval.ms=1000}. With {@code variant.KEY=VALUE} the pipeline runs twice in
 * the same JVM between the two engine measurements, first with those settings on top, then as given
 * (each from the start of the pre-loaded topics, into its own heatmaps topic), so two settings are
 * compared on the same machine state, e.g. {@code variant.avloc.batch.threads=1}.
 */
public final class CatchUpThroughput {

  private static final String FRAMES = "avloc.frames";
  private static final String AUDIO = "avloc.audio";
  private static final String HEATMAPS = "avloc.heatmaps";
  private static final String DEADLETTER = "avloc.deadletter";

  private CatchUpThroughput() {}

  private record FrameRef(String camera, long tsUs, byte[] jpeg) {}

  public static void main(String[] args) throws Exception {
    String preset = "lite";
    int cameras = 8;
    int seconds = 30;
    int batch = 8;
    int partitions = 4;
    Path model = null;
    Path jfr = null;
    long timeoutS = 1800;
    int warmup = 0;
    Map<String, String> overrides = new LinkedHashMap<>();
    Map<String, String> variant = new LinkedHashMap<>();
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("expected key=value: " + a);
      }
      if (kv[0].startsWith("set.")) {
        overrides.put(kv[0].substring(4), kv[1]);
        continue;
      }
      if (kv[0].startsWith("variant.")) {
        variant.put(kv[0].substring(8), kv[1]);
        continue;
      }
      switch (kv[0]) {
        case "preset" -> preset = kv[1];
        case "cameras" -> cameras = Integer.parseInt(kv[1]);
        case "seconds" -> seconds = Integer.parseInt(kv[1]);
        case "batch" -> batch = Integer.parseInt(kv[1]);
        case "partitions" -> partitions = Integer.parseInt(kv[1]);
        case "model" -> model = Path.of(kv[1]);
        case "jfr" -> jfr = Path.of(kv[1]);
        case "timeout" -> timeoutS = Long.parseLong(kv[1]);
        case "warmup" -> warmup = Integer.parseInt(kv[1]);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    Engine.getEngine("OnnxRuntime");
    Path work = Files.createTempDirectory("avloc-catchup-");
    say(
        "%s, %d cores, preset %s, %d cameras × %d s pre-loaded, batch %d, %d partitions,"
            + " overrides %s, variant %s, work dir %s",
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        preset,
        cameras,
        seconds,
        batch,
        partitions,
        overrides,
        variant,
        work);
    if (model == null) {
      model = work.resolve("model");
      say("exporting an untrained %s model to %s", preset, model);
      ModelExporter.exportUntrained(
          Preset.of(preset),
          ModelExporter.Description.untrained(preset + "-untrained", "0", 1),
          1,
          model);
    }
    ModelArtifact artifact = ModelArtifact.load(model);
    PreprocessingContract contract = artifact.preprocessing();

    try (KafkaBroker broker =
        KafkaBroker.builder().freePorts().dataDir(work.resolve("broker")).build().start()) {
      String bootstrap = broker.bootstrapServers();
      Map<String, String> s = new LinkedHashMap<>();
      s.put(StreamsSettings.BOOTSTRAP_CONFIG, bootstrap);
      s.put(StreamsSettings.APPLICATION_ID_CONFIG, "avloc-catchup-bench");
      s.put(StreamsSettings.STATE_DIR_CONFIG, work.resolve("state").toString());
      s.put(StreamsSettings.SYNC_MODE_CONFIG, "catch-up");
      s.put(StreamsSettings.BATCH_MAX_CONFIG, Integer.toString(batch));
      s.put(StreamsSettings.TOPIC_PARTITIONS_CONFIG, Integer.toString(partitions));
      s.put(StreamsSettings.METRICS_PORT_CONFIG, "-1");
      s.putAll(overrides);
      StreamsSettings settings = StreamsSettings.of(s);
      AvSyncConfig sync = AvlocTopology.syncConfig(settings);
      createTopics(settings, bootstrap, partitions);

      // 1. Pre-load.
      long mediaStartUs = nowUs() - (seconds + 5) * 1_000_000L;
      long t0 = System.nanoTime();
      FeedPublisher feed =
          SyntheticCameras.builder()
              .cameras(cameras)
              .seed(42)
              .feed(FeedSettings.defaults().withDuration(Duration.ofSeconds(seconds)))
              .realTime(false)
              .startUs(mediaStartUs)
              .progress(Duration.ofSeconds(10), l -> say("pre-load: %s", l))
              .start(FeedPublisher.producerConfig(bootstrap, Map.of()));
      feed.await();
      feed.close();
      say(
          "pre-loaded %d frames and %d audio chunks in %.1f s (load %s)",
          feed.framesSent(), feed.chunksSent(), (System.nanoTime() - t0) / 1e9, loadAverage());

      // 2. What is due.
      List<FrameRef> accepted = new ArrayList<>();
      Map<String, Long> clocks = new HashMap<>();
      readMedia(bootstrap, sync.minFrameIntervalUs(), accepted, clocks);
      Set<String> due = new HashSet<>();
      List<FrameRef> duePairs = new ArrayList<>();
      for (FrameRef f : accepted) {
        if (f.tsUs() + sync.lookaheadUs() + sync.graceUs() <= clocks.get(f.camera())) {
          due.add(key(f.camera(), f.tsUs()));
          duePairs.add(f);
        }
      }
      say(
          "%d frames pass the %.0f Hz cap; %d heatmaps due (window certain to close)",
          accepted.size(), 1e6 / sync.minFrameIntervalUs(), due.size());

      // 3. (a) raw engine on the same pairs, in the pipeline's order: round-robin over cameras.
      List<List<AvPair>> batches = batches(roundRobin(duePairs), contract, batch);
      // The engine as the pipeline loads it (avloc.engine.threads as given), so (b)/(a) compares
      // the pipeline with its own engine.
      int engineThreads = StreamsSettings.of(s).getInt(StreamsSettings.ENGINE_THREADS_CONFIG);
      EngineFigures before =
          engineFigures(artifact, contract, batches, batch, engineThreads, "before");

      // 4. (b) the pipeline: first the variant (if any), then the settings as given; each run
      // reads the pre-loaded topics from the start (its own application id) into its own topic.
      // Warm-up runs (as given, not reported in the table): a first run in a fresh JVM spends a
      // large share of both cores compiling Kafka's and the pipeline's code paths.
      for (int i = 1; i <= warmup; i++) {
        PipelineFigures w = run(s, "warmup" + i, bootstrap, partitions, model, due, null, timeoutS);
        say(
            "(b) warm-up %d: %.1f heatmaps/s from RUNNING (not reported)",
            i, due.size() / w.fromRunningS);
      }
      Map<String, PipelineFigures> runs = new LinkedHashMap<>();
      if (!variant.isEmpty()) {
        Map<String, String> v = new LinkedHashMap<>(s);
        v.putAll(variant);
        runs.put(
            "variant " + variant,
            run(v, "variant", bootstrap, partitions, model, due, null, timeoutS));
      }
      runs.put(
          variant.isEmpty() ? "as given" : "as given " + overrides,
          run(s, "main", bootstrap, partitions, model, due, jfr, timeoutS));

      // 5. (a) again.
      EngineFigures after =
          engineFigures(artifact, contract, batches, batch, engineThreads, "after");

      double engine = (before.enginePairsPerS + after.enginePairsPerS) / 2;
      double inProcess = (before.pairInferencePerS + after.pairInferencePerS) / 2;
      say("RESULT preset %s, batch %d, %d heatmaps due", preset, batch, due.size());
      say(
          "  (a) raw engine          %7.1f pairs/s (before %.1f, after %.1f)",
          engine, before.enginePairsPerS, after.enginePairsPerS);
      say(
          "      preprocessing alone %7.1f pairs/s (decode+resize %.2f ms, spectrogram %.2f ms per"
              + " pair, one thread)",
          (before.prePairsPerS + after.prePairsPerS) / 2,
          (before.decodeMsPerPair + after.decodeMsPerPair) / 2,
          (before.spectrogramMsPerPair + after.spectrogramMsPerPair) / 2);
      say("      PairInference       %7.1f pairs/s (in process, no Kafka)", inProcess);
      List<String> rows = new ArrayList<>();
      for (Map.Entry<String, PipelineFigures> e : runs.entrySet()) {
        PipelineFigures pipe = e.getValue();
        say("  (b) pipeline, catch-up, %s:", e.getKey());
        say(
            "      %.1f heatmaps/s from the start call (%.1f s), %.1f/s from RUNNING (%.1f s),"
                + " steady %.1f/s (10–90 %%)",
            due.size() / pipe.fromStartS,
            pipe.fromStartS,
            due.size() / pipe.fromRunningS,
            pipe.fromRunningS,
            pipe.steadyPerS);
        say(
            "      preprocessing + engine %.0f %% of the time from RUNNING (%d batches, mean"
                + " %.1f pairs, %.1f ms each); dead letters %d; committed heatmaps %d",
            100 * pipe.localizeS / pipe.fromRunningS,
            pipe.batches,
            pipe.meanBatch,
            pipe.batches == 0 ? 0 : 1000 * pipe.localizeS / pipe.batches,
            pipe.deadLetters,
            pipe.committed);
        say(
            "      ratio (b)/(a): %.2f from the start call, %.2f from RUNNING, %.2f steady;"
                + " in-process ceiling PairInference/(a) %.2f",
            due.size() / pipe.fromStartS / engine,
            due.size() / pipe.fromRunningS / engine,
            pipe.steadyPerS / engine,
            inProcess / engine);
        rows.add(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %s"
                    + " |",
                preset,
                e.getKey(),
                batch,
                due.size(),
                engine,
                inProcess,
                due.size() / pipe.fromRunningS,
                pipe.steadyPerS,
                pipe.meanBatch,
                due.size() / pipe.fromRunningS / engine,
                pipe.steadyPerS / engine,
                inProcess / engine,
                pipe.loadAverage));
      }
      say("load average now %s", loadAverage());
      rows.forEach(System.out::println);
    } finally {
      deleteTree(work);
    }
  }

  /** One pipeline run on its own application id, state and heatmaps topic. */
  private static PipelineFigures run(
      Map<String, String> base,
      String name,
      String bootstrap,
      int partitions,
      Path model,
      Set<String> due,
      Path jfr,
      long timeoutS)
      throws Exception {
    Map<String, String> m = new LinkedHashMap<>(base);
    m.put(StreamsSettings.APPLICATION_ID_CONFIG, "avloc-catchup-" + name);
    m.put(
        StreamsSettings.STATE_DIR_CONFIG, base.get(StreamsSettings.STATE_DIR_CONFIG) + "-" + name);
    m.put(StreamsSettings.TOPIC_HEATMAPS_CONFIG, HEATMAPS + "." + name);
    StreamsSettings settings = StreamsSettings.of(m);
    createTopics(settings, bootstrap, partitions);
    return pipeline(settings, model, due, jfr, timeoutS);
  }

  private static void createTopics(StreamsSettings settings, String bootstrap, int partitions) {
    int media = settings.recordLimits().mediaRecordBytes();
    int pair = settings.recordLimits().pairRecordBytes();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicSetup.ensure(
          admin,
          FRAMES,
          AUDIO,
          List.of(settings.get(StreamsSettings.TOPIC_HEATMAPS_CONFIG), DEADLETTER),
          true,
          partitions,
          (short) 1,
          Map.of(FRAMES, media, AUDIO, media, DEADLETTER, pair));
    }
  }

  /**
   * Reads both topics: the frames the rate cap accepts (per camera, in capture order) and each
   * camera's clock (its latest frame time or audio end).
   */
  private static void readMedia(
      String bootstrap, long minIntervalUs, List<FrameRef> accepted, Map<String, Long> clocks) {
    Map<String, TreeMap<Long, byte[]>> frames = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
      for (String topic : List.of(FRAMES, AUDIO)) {
        for (ConsumerRecord<String, byte[]> r : readAll(c, topic)) {
          long ts = longHeader(r, AvlocHeaders.TS_US);
          long end = ts;
          if (topic.equals(AUDIO)) {
            long rate = Long.parseLong(stringHeader(r, AvlocHeaders.SAMPLE_RATE));
            long channels = Long.parseLong(stringHeader(r, AvlocHeaders.CHANNELS));
            end = ts + (r.value().length / 2 / channels) * 1_000_000L / rate;
          } else {
            frames.computeIfAbsent(r.key(), k -> new TreeMap<>()).put(ts, r.value());
          }
          clocks.merge(r.key(), end, Math::max);
        }
      }
    }
    for (Map.Entry<String, TreeMap<Long, byte[]>> e : new TreeMap<>(frames).entrySet()) {
      long last = Long.MIN_VALUE;
      for (Map.Entry<Long, byte[]> f : e.getValue().entrySet()) {
        if (last == Long.MIN_VALUE || f.getKey() - last >= minIntervalUs) {
          accepted.add(new FrameRef(e.getKey(), f.getKey(), f.getValue()));
          last = f.getKey();
        }
      }
    }
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(
      KafkaConsumer<String, byte[]> c, String topic) {
    List<TopicPartition> parts =
        c.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .collect(Collectors.toList());
    c.assign(parts);
    c.seekToBeginning(parts);
    Map<TopicPartition, Long> end = c.endOffsets(parts);
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
      c.poll(Duration.ofMillis(500)).forEach(out::add);
    }
    return out;
  }

  private static List<FrameRef> roundRobin(List<FrameRef> frames) {
    Map<String, List<FrameRef>> byCamera = new TreeMap<>();
    for (FrameRef f : frames) {
      byCamera.computeIfAbsent(f.camera(), k -> new ArrayList<>()).add(f);
    }
    List<FrameRef> out = new ArrayList<>();
    for (int i = 0; out.size() < frames.size(); i++) {
      for (List<FrameRef> fs : byCamera.values()) {
        if (i < fs.size()) {
          out.add(fs.get(i));
        }
      }
    }
    return out;
  }

  private static List<List<AvPair>> batches(
      List<FrameRef> frames, PreprocessingContract contract, int batch) {
    Random random = new Random(1);
    List<List<AvPair>> out = new ArrayList<>();
    for (int i = 0; i < frames.size(); i += batch) {
      List<AvPair> pairs = new ArrayList<>();
      for (FrameRef f : frames.subList(i, Math.min(frames.size(), i + batch))) {
        float[] audio = new float[contract.windowSamples()];
        for (int k = 0; k < audio.length; k++) {
          audio[k] = (float) (0.1 * random.nextGaussian());
        }
        pairs.add(
            new AvPair(
                f.camera(),
                new VideoFrame(f.tsUs(), ImageFormat.JPEG, f.jpeg()),
                audio,
                f.tsUs() - 2_500_000,
                f.tsUs() + 500_000,
                false,
                f.tsUs(),
                f.tsUs()));
      }
      out.add(pairs);
    }
    return out;
  }

  private record EngineFigures(
      double enginePairsPerS,
      double prePairsPerS,
      double decodeMsPerPair,
      double spectrogramMsPerPair,
      double pairInferencePerS) {}

  /** (a): preprocess every batch once, then time the engine alone; and PairInference. */
  private static EngineFigures engineFigures(
      ModelArtifact artifact,
      PreprocessingContract contract,
      List<List<AvPair>> batches,
      int batch,
      int engineThreads,
      String label)
      throws Exception {
    int frames = contract.frames();
    List<float[]> images = new ArrayList<>();
    List<float[]> specs = new ArrayList<>();
    long decodeNs = 0;
    long specNs = 0;
    long pairs = 0;
    for (List<AvPair> b : batches) {
      float[] img = new float[b.size() * contract.imageFloats()];
      float[] sp = new float[b.size() * contract.spectrogramFloats()];
      float[] one = new float[contract.spectrogramFloats()];
      for (int i = 0; i < b.size(); i++) {
        long t0 = System.nanoTime();
        contract.frameInto(b.get(i).frame().data(), img, i * contract.imageFloats());
        long t1 = System.nanoTime();
        contract.spectrogram().computeInto(b.get(i).audio(), one);
        System.arraycopy(one, 0, sp, i * one.length, one.length);
        long t2 = System.nanoTime();
        decodeNs += t1 - t0;
        specNs += t2 - t1;
      }
      pairs += b.size();
      images.add(img);
      specs.add(sp);
    }
    try (InferenceEngine engine =
            Engines.load(
                    artifact,
                    List.of(EngineKind.ONNXRUNTIME),
                    EngineOptions.DEFAULTS.withMaxBatch(batch).withCpuThreads(engineThreads))
                .engine();
        BatchModel model = BatchModel.of(engine)) {
      for (int i = 0; i < Math.min(3, batches.size()); i++) { // warm-up
        engine.run(images.get(i), specs.get(i), batches.get(i).size(), frames);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < batches.size(); i++) {
        engine.run(images.get(i), specs.get(i), batches.get(i).size(), frames);
      }
      long engineNs = System.nanoTime() - t0;
      say(
          "(a) %s: raw engine %.1f pairs/s over %d pairs (load %s)",
          label, pairs / (engineNs / 1e9), pairs, loadAverage());
      PairInference inference =
          new PairInference(model, batch, new SimpleMeterRegistry(), CatchUpThroughput::nowUs);
      long t1 = System.nanoTime();
      for (List<AvPair> b : batches) {
        inference.localize(b, 0);
      }
      long pairInferenceNs = System.nanoTime() - t1;
      say(
          "(a) %s: PairInference %.1f pairs/s (load %s)",
          label, pairs / (pairInferenceNs / 1e9), loadAverage());
      return new EngineFigures(
          pairs / (engineNs / 1e9),
          pairs / ((decodeNs + specNs) / 1e9),
          decodeNs / 1e6 / pairs,
          specNs / 1e6 / pairs,
          pairs / (pairInferenceNs / 1e9));
    }
  }

  private record PipelineFigures(
      String loadAverage,
      double fromStartS,
      double fromRunningS,
      double steadyPerS,
      double localizeS,
      long batches,
      double meanBatch,
      long deadLetters,
      long committed) {}

  /**
   * How the stream threads split their time (Kafka Streams' {@code stream-thread-metrics}: the
   * ratios of poll, process, punctuate and commit in the thread's wall time, averaged over its
   * recent loops), and the consumers' mean fetch latency: where the thread waits when it is not on
   * the CPU.
   */
  private static String threadRatios(AvlocStreamsApp app) {
    Set<String> wanted =
        Set.of(
            "poll-ratio", "process-ratio", "punctuate-ratio", "commit-ratio", "fetch-latency-avg");
    Map<String, List<String>> byName = new TreeMap<>();
    app.streams()
        .metrics()
        .forEach(
            (name, metric) -> {
              boolean thread = name.group().equals("stream-thread-metrics");
              boolean fetch =
                  name.group().equals("consumer-fetch-manager-metrics")
                      && !name.tags().containsKey("topic");
              if ((thread || fetch)
                  && wanted.contains(name.name())
                  && metric.metricValue() instanceof Double v
                  && Double.isFinite(v)) {
                byName
                    .computeIfAbsent(name.name(), k -> new ArrayList<>())
                    .add(String.format(Locale.ROOT, thread ? "%.2f" : "%.0f ms", v));
              }
            });
    return byName.toString();
  }

  /** (b): the streams app in catch-up mode; a read-committed consumer times the due heatmaps. */
  private static PipelineFigures pipeline(
      StreamsSettings settings, Path model, Set<String> due, Path jfr, long timeoutS)
      throws Exception {
    String bootstrap = settings.get(StreamsSettings.BOOTSTRAP_CONFIG);
    String heatmaps = settings.get(StreamsSettings.TOPIC_HEATMAPS_CONFIG);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<Long> arrivals = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long committed = 0;
    Recording recording = null;
    if (jfr != null) {
      recording = new Recording(Configuration.getConfiguration("profile"));
      recording.start();
    }
    say(
        "(b) starting the streams application (catch-up, exactly-once) → %s, %s=%s, Kafka"
            + " overrides %s",
        heatmaps,
        StreamsSettings.BATCH_THREADS_CONFIG,
        settings.get(StreamsSettings.BATCH_THREADS_CONFIG),
        settings.kafkaOverrides());
    try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> parts =
          c.partitionsFor(heatmaps).stream()
              .map(p -> new TopicPartition(heatmaps, p.partition()))
              .collect(Collectors.toList());
      c.assign(parts);
      c.seekToBeginning(parts);
      long start = System.nanoTime();
      long running;
      long done = -1;
      try (AvlocStreamsApp app =
          AvlocStreamsApp.start(settings, model, registry, Duration.ofMinutes(5))) {
        running = System.nanoTime();
        Map<String, Double> cpuAtRunning = ThreadCpu.byGroup();
        say("(b) RUNNING after %.1f s", (running - start) / 1e9);
        long nextReport = running + TimeUnit.SECONDS.toNanos(5);
        long deadline = running + TimeUnit.SECONDS.toNanos(timeoutS);
        while (seen.size() < due.size()) {
          for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
            committed++;
            String k = key(r.key(), longHeader(r, AvlocHeaders.TS_US));
            if (due.contains(k) && seen.add(k)) {
              arrivals.add(System.nanoTime());
            }
          }
          long now = System.nanoTime();
          if (app.failure() != null) {
            throw new IllegalStateException("the streams application failed", app.failure());
          }
          if (now > deadline) {
            throw new IllegalStateException(
                "only " + seen.size() + " of " + due.size() + " heatmaps after " + timeoutS + " s");
          }
          if (now >= nextReport) {
            say(
                "(b) %.0f s: %d of %d due heatmaps committed, %.1f/s (load %s)",
                (now - running) / 1e9,
                seen.size(),
                due.size(),
                seen.size() / ((now - running) / 1e9),
                loadAverage());
            nextReport += TimeUnit.SECONDS.toNanos(5);
          }
        }
        done = arrivals.get(arrivals.size() - 1);
        say("(b) all %d due heatmaps committed after %.1f s", due.size(), (done - running) / 1e9);
        say(
            "(b) CPU seconds by thread (whole JVM: broker and benchmark included) from RUNNING: %s",
            ThreadCpu.top(ThreadCpu.since(cpuAtRunning), 8));
        say("(b) stream threads' time (Kafka Streams thread metrics): %s", threadRatios(app));
        if (recording != null) {
          recording.stop();
          recording.dump(jfr);
          say("(b) JFR recording of the pipeline phase: %s", jfr);
        }
      }
      double localizeS = 0;
      long batches = 0;
      double batchSum = 0;
      for (Meter m : registry.getMeters()) {
        if (m.getId().getName().equals("avloc.inference.latency") && m instanceof Timer t) {
          localizeS += t.totalTime(TimeUnit.NANOSECONDS) / 1e9;
          batches += t.count();
        }
        if (m.getId().getName().equals("avloc.inference.batch.size")
            && m instanceof io.micrometer.core.instrument.DistributionSummary d) {
          batchSum += d.totalAmount();
        }
      }
      int n = arrivals.size();
      arrivals.sort(Comparator.naturalOrder());
      int lo = n / 10;
      int hi = n * 9 / 10;
      double steady = (hi - lo) / ((arrivals.get(hi) - arrivals.get(lo)) / 1e9);
      long deadLetters = endOffsets(c, DEADLETTER);
      return new PipelineFigures(
          loadAverage(),
          (done - start) / 1e9,
          (done - running) / 1e9,
          steady,
          localizeS,
          batches,
          batches == 0 ? 0 : batchSum / batches,
          deadLetters,
          committed);
    } finally {
      if (recording != null) {
        recording.close();
      }
    }
  }

  private static long endOffsets(KafkaConsumer<String, byte[]> c, String topic) {
    List<TopicPartition> parts =
        c.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .collect(Collectors.toList());
    return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
  }

  private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static String key(String camera, long tsUs) {
    return camera + "@" + tsUs;
  }

  private static String stringHeader(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    if (h == null) {
      throw new IllegalStateException("record without header " + name);
    }
    return new String(h.value(), StandardCharsets.UTF_8);
  }

  private static long longHeader(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    if (h == null) {
      throw new IllegalStateException("record without header " + name);
    }
    byte[] v = h.value();
    String text = new String(v, StandardCharsets.UTF_8);
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      return ByteBuffer.wrap(v).getLong(); // binary big-endian
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "n/a";
    }
  }

  private static long nowUs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "catch-up: " + format + "%n", args);
    System.out.flush();
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (Exception e) {
      // temp dir: best effort
    }
  }
}
