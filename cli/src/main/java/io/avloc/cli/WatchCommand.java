package io.avloc.cli;

import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.media.AvlocTopics;
import io.avloc.viewer.HeatmapWatcher;
import io.avloc.viewer.WatchConfig;
import io.avloc.viewer.WatchConfig.ConsoleMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code avloc watch}: live statistics and overlays of the heatmap topic. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    header = "Shows the heatmap topic live: rates, peaks, latency, accuracy, overlays.",
    description =
        "Shows the heatmap topic live: per camera the event rate, the latest peak and "
            + "scores, end-to-end latency percentiles and, where frames carry ground truth "
            + "(gt-* headers), the pointing accuracy. A table on a terminal, periodic lines "
            + "otherwise; optionally a web page (--http) and overlay PNGs (--png-dir) of each "
            + "camera's frame with its heatmap. Reads without a consumer group and commits "
            + "nothing; stops on Ctrl-C or after --duration.")
final class WatchCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--topic",
      defaultValue = AvlocTopics.HEATMAPS,
      description = "heatmap topic (default: ${DEFAULT-VALUE})")
  String topic;

  @Option(
      names = "--frames-topic",
      defaultValue = AvlocTopics.FRAMES,
      description = "frames topic for overlays; '' for none (default: ${DEFAULT-VALUE})")
  String framesTopic;

  @Option(
      names = "--camera",
      split = ",",
      paramLabel = "ID",
      description = "show only this camera (repeat or comma-separate for several)")
  List<String> cameras = new ArrayList<>();

  @Option(
      names = "--png-dir",
      paramLabel = "DIR",
      description = "write each camera's latest overlay to DIR/<camera>.png, at most once a second")
  Path pngDir;

  @Option(
      names = "--http",
      paramLabel = "PORT",
      description = "serve a live web page on PORT (0: any free port)")
  Integer httpPort;

  @Option(
      names = "--http-host",
      defaultValue = WatchConfig.DEFAULT_HTTP_HOST,
      paramLabel = "ADDR",
      description = "address the web page binds to (default: ${DEFAULT-VALUE})")
  String httpHost;

  @Option(
      names = "--from-beginning",
      description = "read the topics from their earliest records instead of from now")
  boolean fromBeginning;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "stop after TIME, e.g. 30s, 5m, 1h (default: run until Ctrl-C)")
  Duration duration;

  @Option(
      names = "--max-events",
      paramLabel = "N",
      description = "stop after N heatmap events (default: no limit)")
  long maxEvents;

  @Option(
      names = "--window",
      paramLabel = "TIME",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "sliding window of rates and latency percentiles (default: ${DEFAULT-VALUE})")
  Duration window;

  @Option(
      names = "--plain",
      description = "print periodic lines instead of the table, even on a terminal")
  boolean plain;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KafkaClientSettings clients;
    try {
      clients = kafka.settings();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    WatchConfig.Builder b =
        WatchConfig.builder(clients.bootstrap())
            .topic(topic)
            .framesTopic(framesTopic.isBlank() ? null : framesTopic)
            .cameras(new LinkedHashSet<>(cameras))
            .fromBeginning(fromBeginning)
            .pngDir(pngDir)
            .window(window)
            .maxEvents(maxEvents)
            .console(plain ? ConsoleMode.LINES : ConsoleMode.AUTO, out);
    // The consumers get the client properties (security) that every avloc client gets.
    clients
        .forClient(KafkaClientSettings.Client.CONSUMER)
        .forEach(
            (k, v) -> {
              if (!k.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                b.consumerProperty(k, v);
              }
            });
    if (httpPort != null) {
      b.http(httpHost, httpPort);
    }
    WatchConfig config = b.build();
    HeatmapWatcher watcher = HeatmapWatcher.start(config);
    Thread hook = new Thread(watcher::close, "avloc-watch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      err.println(
          "avloc watch: reading "
              + topic
              + " at "
              + clients.bootstrap()
              + watcher.httpUrl().map(u -> ", web page at " + u).orElse("")
              + (pngDir == null ? "" : ", overlays in " + pngDir)
              + "; Ctrl-C to stop");
      err.flush();
      if (duration == null) {
        watcher.awaitTermination();
      } else {
        watcher.awaitTermination(duration);
      }
    } finally {
      watcher.close();
      removeHook(hook);
    }
    Optional<Throwable> failure = watcher.failure();
    if (failure.isPresent()) {
      throw new IllegalStateException("stopped: " + Avloc.message(failure.get()), failure.get());
    }
    return 0;
  }

  private void validate() {
    if (httpPort != null && (httpPort < 0 || httpPort > 65535)) {
      throw new ParameterException(
          spec.commandLine(), "--http port must be in 0..65535, got " + httpPort);
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new ParameterException(spec.commandLine(), "--duration must be positive");
    }
    if (window.isZero() || window.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--window must be positive");
    }
    if (maxEvents < 0) {
      throw new ParameterException(
          spec.commandLine(), "--max-events must be at least 0, got " + maxEvents);
    }
    for (String c : cameras) {
      if (c.isBlank()) {
        throw new ParameterException(spec.commandLine(), "--camera needs a camera id");
      }
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook is running or has run
    }
  }
}
