package io.avloc.cli;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.Preset;
import io.avloc.feed.FeedPublisher;
import io.avloc.feed.SyntheticCameras;
import io.avloc.modelserver.ops.OpsServer;
import io.avloc.streams.AvlocStreamsApp;
import io.avloc.streams.StreamsSettings;
import io.avloc.streams.sync.ShedReport;
import io.avloc.streams.sync.SyncMetrics;
import io.avloc.viewer.CameraSnapshot;
import io.avloc.viewer.HeatmapWatcher;
import io.avloc.viewer.WatchConfig;
import io.avloc.viewer.WatchStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code avloc demo}: everything in one command on an embedded default — a real Kafka broker, the
 * bundled model, synthetic cameras with ground truth, the streams application and the viewer — with
 * live throughput, end-to-end latency and localization accuracy.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Runs the whole pipeline in one process, with synthetic cameras and live accuracy.",
    description =
        "Runs the whole pipeline in one process: a real Kafka broker (KRaft, loopback), "
            + "the bundled model (or a freshly initialised one), synthetic cameras with "
            + "ground truth, the streams application and the heatmap viewer. Prints "
            + "throughput, end-to-end latency and live localization accuracy; stops on Ctrl-C "
            + "or after --duration.")
final class DemoCommand implements Callable<Integer> {

  /** How long the demo lets the last pairs through after the cameras stop. */
  static final Duration DRAIN = Duration.ofMillis(1500);

  @Spec CommandSpec spec;

  @Option(
      names = "--cameras",
      defaultValue = "4",
      description = "synthetic cameras (default: ${DEFAULT-VALUE})")
  int cameras;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "stop after this long, e.g. 60s or 5m (default: until Ctrl-C)")
  Duration duration;

  @Option(names = "--http", paramLabel = "PORT", description = "serve the live viewer on this port")
  Integer http;

  @Mixin ModelArtifactOption model;

  @Option(
      names = "--mode",
      defaultValue = "realtime",
      description = "realtime or catch-up (default: ${DEFAULT-VALUE})")
  String mode;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "scene seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--report-every",
      converter = DurationConverter.class,
      defaultValue = "2s",
      description = "status line interval (default: ${DEFAULT-VALUE})")
  Duration reportEvery;

  @Option(
      names = "--report-cameras",
      description =
          "after each status line, one line with every camera's heatmap count so far (what"
              + " benchmarks/realtime-load.sh reads to rate each camera over part of a run)")
  boolean reportCameras;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "an 'avloc streams' setting for the demo's application, repeatable, e.g. --set"
              + " avloc.engine.threads=1 (the broker, application id, state folder and mode are"
              + " the demo's own)")
  Map<String, String> set = new LinkedHashMap<>();

  /** Settings the demo decides itself: --set may not change them. */
  private static final List<String> OWN_SETTINGS =
      List.of(
          StreamsSettings.BOOTSTRAP_CONFIG,
          StreamsSettings.APPLICATION_ID_CONFIG,
          StreamsSettings.STATE_DIR_CONFIG,
          StreamsSettings.SYNC_MODE_CONFIG);

  @Override
  public Integer call() throws Exception {
    for (String key : set.keySet()) {
      if (OWN_SETTINGS.contains(key)) {
        throw new ParameterException(
            spec.commandLine(),
            "--set "
                + key
                + ": the demo sets this one itself"
                + (key.equals(StreamsSettings.SYNC_MODE_CONFIG) ? "; use --mode" : ""));
      }
    }
    if (cameras < 1 || cameras > 64) {
      throw new ParameterException(spec.commandLine(), "--cameras must be between 1 and 64");
    }
    if (http != null && (http < 0 || http > 65535)) {
      throw new ParameterException(spec.commandLine(), "--http must be a port number");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path work = Files.createTempDirectory("avloc-demo-");
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = shutdownHook(stop, done);
    Runtime.getRuntime().addShutdownHook(hook);
    KafkaBroker broker = null;
    AvlocStreamsApp app = null;
    HeatmapWatcher watcher = null;
    FeedPublisher feed = null;
    PrometheusMeterRegistry registry = OpsServer.newRegistry("avloc-demo");
    OpsServer ops = null;
    try {
      broker = KafkaBroker.builder().freePorts().dataDir(work.resolve("broker")).build().start();
      out.printf("demo: Kafka broker (KRaft) at %s%n", broker.bootstrapServers());
      Path modelDir = resolveModel(work, out);
      app =
          AvlocStreamsApp.start(
              settings(broker, work), modelDir, registry, Duration.ofSeconds(120));
      AvlocStreamsApp streamsApp = app;
      ops = OpsServer.start(registry, "127.0.0.1", 0, streamsApp::ready);
      out.printf(
          "demo: streams application running, model %s, %s mode; metrics at %s/metrics%n",
          app.modelId(), mode, ops.url());
      watcher = startViewer(broker, out);
      feed =
          SyntheticCameras.builder()
              .cameras(cameras)
              .seed(seed)
              .realTime(true)
              .start(FeedPublisher.producerConfig(broker.bootstrapServers(), Map.of()));
      out.printf(
          "demo: %d synthetic cameras (25 fps, 100 ms audio chunks, ground truth in headers);"
              + " inference capped at 5 Hz per camera%n",
          cameras);
      // t= counts from here: the cameras have started.
      long started = System.nanoTime();
      out.printf(
          "demo: %s%n",
          duration == null ? "Ctrl-C to stop" : "running for " + duration.toSeconds() + " s");
      out.flush();
      reportUntilStopped(stop, started, app, watcher, feed, registry, out);
      out.println("demo: stopping");
      FeedPublisher stopped = feed;
      feed = null;
      stopped.close();
      // Let the last pairs through before taking the final numbers.
      Thread.sleep(DRAIN.toMillis());
      // One snapshot for both lines, so the summary's counts are the last status line's.
      WatchStats last = watcher.snapshot();
      Map<String, Long> dropped = drops(registry);
      double seconds = (System.nanoTime() - started) / 1e9;
      out.println(status(last, dropped, stopped, seconds));
      out.println(summary(last, dropped, seconds));
      out.flush();
      return 0;
    } finally {
      closeQuietly(feed);
      closeQuietly(watcher);
      closeQuietly(app);
      closeQuietly(ops);
      closeQuietly(broker);
      deleteTree(work);
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is waiting for `done`
      }
    }
  }

  /** Ctrl-C: ask the demo to stop and give it a minute to close everything. */
  private static Thread shutdownHook(CountDownLatch stop, CountDownLatch done) {
    return new Thread(
        () -> {
          stop.countDown();
          try {
            done.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        "avloc-demo-shutdown");
  }

  /**
   * The streams settings of the demo's application on its own broker (--set, then the demo's own);
   * a bad --mode or --set value is a usage error.
   */
  private StreamsSettings settings(KafkaBroker broker, Path work) {
    Map<String, String> s = new LinkedHashMap<>(set);
    s.put(StreamsSettings.BOOTSTRAP_CONFIG, broker.bootstrapServers());
    s.put(StreamsSettings.APPLICATION_ID_CONFIG, "avloc-demo");
    s.put(StreamsSettings.STATE_DIR_CONFIG, work.resolve("state").toString());
    s.put(StreamsSettings.SYNC_MODE_CONFIG, mode);
    try {
      StreamsSettings settings = StreamsSettings.of(s);
      io.avloc.streams.AvlocTopology.syncConfig(settings);
      return settings;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The viewer on the demo's heatmaps, ready (and its page on --http when given). */
  private HeatmapWatcher startViewer(KafkaBroker broker, PrintWriter out)
      throws InterruptedException {
    WatchConfig.Builder wc = WatchConfig.builder(broker.bootstrapServers());
    if (http != null) {
      wc.http(http);
    }
    HeatmapWatcher watcher = HeatmapWatcher.start(wc.build());
    watcher.awaitReady(Duration.ofSeconds(30));
    watcher.httpUrl().ifPresent(u -> out.printf("demo: live viewer at %s%n", u));
    return watcher;
  }

  /**
   * A status line every --report-every until --duration has passed since {@code started} or Ctrl-C;
   * a failed streams application ends the demo with its failure.
   */
  private void reportUntilStopped(
      CountDownLatch stop,
      long started,
      AvlocStreamsApp app,
      HeatmapWatcher watcher,
      FeedPublisher feed,
      PrometheusMeterRegistry registry,
      PrintWriter out)
      throws InterruptedException {
    ShedReport shedding = new ShedReport(registry);
    long deadline = duration == null ? Long.MAX_VALUE : started + duration.toNanos();
    while (System.nanoTime() < deadline) {
      long wait = Math.min(reportEvery.toNanos(), deadline - System.nanoTime());
      if (stop.await(Math.max(wait, 1), TimeUnit.NANOSECONDS)) {
        break;
      }
      if (app.failure() != null) {
        throw new IllegalStateException(
            "the streams application failed: " + app.failure().getMessage(), app.failure());
      }
      WatchStats now = watcher.snapshot();
      out.println(status(now, drops(registry), feed, (System.nanoTime() - started) / 1e9));
      if (reportCameras) {
        out.println(perCamera(now));
      }
      shedding.next().line().ifPresent(l -> out.println("demo: " + l));
      out.flush();
    }
  }

  private Path resolveModel(Path work, PrintWriter out) throws IOException {
    if (model.model != null) {
      ModelArtifact.load(model.model);
      return model.model;
    }
    if (Files.exists(ModelArtifactOption.BUNDLED_MODEL.resolve(ModelArtifact.MANIFEST))) {
      var manifest = ModelArtifact.load(ModelArtifactOption.BUNDLED_MODEL).manifest();
      out.printf(
          "demo: bundled model %s (%s, trained on the synthetic benchmark; how well it localizes:"
              + " docs/results.md)%n",
          ModelArtifactOption.BUNDLED_MODEL, manifest.id());
      return ModelArtifactOption.BUNDLED_MODEL;
    }
    out.println(
        "demo: no trained model is bundled yet (models/default); using a freshly initialised lite"
            + " model, so the heatmaps show the pipeline working but not real localization");
    Path dir = work.resolve("model");
    ModelExporter.exportUntrained(
        Preset.LITE, ModelExporter.Description.untrained("lite-random", "0", 1), 1, dir);
    return dir;
  }

  static String status(
      WatchStats s, Map<String, Long> dropped, FeedPublisher feed, double seconds) {
    return status(s, dropped, feed.framesSent(), feed.chunksSent(), seconds);
  }

  static String status(
      WatchStats s, Map<String, Long> dropped, long framesIn, long chunksIn, double seconds) {
    double rate = 0;
    double p50 = Double.NaN;
    double p99 = Double.NaN;
    long evaluated = 0;
    long hits = 0;
    for (CameraSnapshot c : s.cameras()) {
      rate += c.eventsPerSecond();
      if (c.latencyMs().p50() != null) {
        p50 = Double.isNaN(p50) ? c.latencyMs().p50() : Math.max(p50, c.latencyMs().p50());
        p99 = Double.isNaN(p99) ? c.latencyMs().p99() : Math.max(p99, c.latencyMs().p99());
      }
      evaluated += c.accuracy().evaluated();
      hits += c.accuracy().hits();
    }
    return String.format(
        "t=%5.0fs  in: %5d frames %6d chunks  out: %5.1f heatmaps/s (%d total)  e2e p50 %s p99 %s"
            + " (worst camera)  pointing %s  dropped %s",
        seconds,
        framesIn,
        chunksIn,
        rate,
        s.totalEvents(),
        ms(p50),
        ms(p99),
        evaluated == 0 ? "-" : String.format("%.1f%% (%d)", 100.0 * hits / evaluated, evaluated),
        drops(dropped));
  }

  /**
   * {@code demo: heatmaps per camera cam-1=57 cam-2=55 …}: every camera's heatmap count so far, in
   * the status line's snapshot (cameras without a heatmap yet are not listed).
   */
  static String perCamera(WatchStats s) {
    StringBuilder b = new StringBuilder("demo: heatmaps per camera");
    s.cameras().stream()
        .sorted(Comparator.comparing(CameraSnapshot::camera))
        .forEach(c -> b.append(' ').append(c.camera()).append('=').append(c.events()));
    return b.toString();
  }

  static String summary(WatchStats s, Map<String, Long> dropped, double seconds) {
    long evaluated = 0;
    long hits = 0;
    long offscreen = 0;
    for (CameraSnapshot c : s.cameras()) {
      evaluated += c.accuracy().evaluated();
      hits += c.accuracy().hits();
      offscreen += c.accuracy().offscreen();
    }
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "demo: %d heatmaps from %d cameras in %.0f s; pointing accuracy %s over %d on-screen"
                + " events (%d off-screen); dropped %s%n",
            s.totalEvents(),
            s.cameras().size(),
            seconds,
            evaluated == 0 ? "-" : String.format("%.1f%%", 100.0 * hits / evaluated),
            evaluated,
            offscreen,
            drops(dropped)));
    s.cameras().stream()
        .sorted(Comparator.comparing(CameraSnapshot::camera))
        .forEach(
            c ->
                b.append(
                    String.format(
                        "  %-8s %5d events  e2e p50 %s p99 %s  pointing %s%n",
                        c.camera(),
                        c.events(),
                        ms(c.latencyMs().p50()),
                        ms(c.latencyMs().p99()),
                        c.accuracy().pointingAccuracy() == null
                            ? "-"
                            : String.format("%.1f%%", 100 * c.accuracy().pointingAccuracy()))));
    return b.toString().stripTrailing();
  }

  /** Frames dropped so far, by reason (reasons with none left out). */
  static Map<String, Long> drops(MeterRegistry registry) {
    Map<String, Long> byReason = new TreeMap<>();
    for (Counter c : registry.find(SyncMetrics.FRAMES_DROPPED).counters()) {
      long n = (long) c.count();
      if (n > 0) {
        byReason.merge(c.getId().getTag("reason"), n, Long::sum);
      }
    }
    return byReason;
  }

  private static String drops(Map<String, Long> byReason) {
    return byReason.isEmpty() ? "none" : byReason.toString();
  }

  private static String ms(Double v) {
    return v == null || v.isNaN() ? "-" : String.format("%.0fms", v);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      System.err.println("demo: while stopping: " + e);
    }
  }

  private static void deleteTree(Path dir) {
    try {
      Utils.delete(dir.toFile());
    } catch (IOException e) {
      // best effort: it is a temporary folder
    }
  }
}
