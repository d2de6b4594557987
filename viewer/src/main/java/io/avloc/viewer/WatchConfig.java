package io.avloc.viewer;

import io.avloc.core.media.AvlocTopics;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link HeatmapWatcher} reads and shows. Build with {@link #builder(String)}; every setting
 * but the bootstrap servers has a default that runs on a laptop.
 *
 * @param bootstrap Kafka bootstrap servers
 * @param topic the heatmap topic
 * @param framesTopic the frames topic, or {@code null} to draw overlays without frames
 * @param cameras cameras to show; empty for all
 * @param fromBeginning read both topics from their earliest offsets instead of from now
 * @param pngDir where to write each camera's latest overlay as {@code <camera>.png}, or {@code
 *     null}
 * @param pngInterval how often overlay files are rewritten (at most once per camera per interval)
 * @param httpHost the address the web page binds to
 * @param httpPort the web page's port, 0 for any free port, or {@code null} for no web page
 * @param console how statistics are printed to {@code out}
 * @param out where the console view goes
 * @param refresh how often the ANSI table is redrawn
 * @param linesInterval how often plain lines are printed when the output is not a terminal
 * @param window sliding window of rates and latency percentiles
 * @param frameRetention how far behind each camera's newest frame its frames are kept to pair
 *     heatmaps with (the worst latency at which a heatmap is still drawn on its own frame)
 * @param frameCacheBytes the most encoded frame bytes kept over all cameras
 * @param frameLookback when not reading from the beginning, how far back the frames consumer starts
 *     so that the frames of heatmaps still in flight are at hand (by default the retention)
 * @param overlayInterval overlays served over HTTP are redrawn at most this often per camera
 * @param maxEvents stop after this many heatmap events (0: never)
 * @param consumerOverrides extra Kafka consumer properties for both consumers (e.g. security)
 */
public record WatchConfig(
    String bootstrap,
    String topic,
    String framesTopic,
    Set<String> cameras,
    boolean fromBeginning,
    Path pngDir,
    Duration pngInterval,
    String httpHost,
    Integer httpPort,
    ConsoleMode console,
    PrintWriter out,
    Duration refresh,
    Duration linesInterval,
    Duration window,
    Duration frameRetention,
    long frameCacheBytes,
    Duration frameLookback,
    Duration overlayInterval,
    long maxEvents,
    Map<String, Object> consumerOverrides) {

  /** The default web page address: loopback only. */
  public static final String DEFAULT_HTTP_HOST = "127.0.0.1";

  /** How statistics are printed. */
  public enum ConsoleMode {
    /** An ANSI table when the JVM has a terminal, plain lines otherwise. */
    AUTO,
    /** A table redrawn in place with ANSI escapes. */
    ANSI,
    /** One line per camera, periodically: for logs and pipes. */
    LINES,
    /** Nothing: for embedding. */
    OFF
  }

  public WatchConfig {
    requireText(bootstrap, "bootstrap");
    requireText(topic, "topic");
    if (framesTopic != null && framesTopic.isBlank()) {
      framesTopic = null;
    }
    cameras = Set.copyOf(cameras);
    requirePositive(pngInterval, "pngInterval");
    requireText(httpHost, "httpHost");
    if (httpPort != null && (httpPort < 0 || httpPort > 65535)) {
      throw new IllegalArgumentException("HTTP port must be in 0..65535, got " + httpPort);
    }
    Objects.requireNonNull(console, "console");
    Objects.requireNonNull(out, "out");
    requirePositive(refresh, "refresh");
    requirePositive(linesInterval, "linesInterval");
    requirePositive(window, "window");
    requirePositive(frameRetention, "frameRetention");
    if (frameCacheBytes < 1) {
      throw new IllegalArgumentException(
          "frameCacheBytes must be at least 1, got " + frameCacheBytes);
    }
    Objects.requireNonNull(frameLookback, "frameLookback");
    Objects.requireNonNull(overlayInterval, "overlayInterval");
    if (maxEvents < 0) {
      throw new IllegalArgumentException("maxEvents must be >= 0, got " + maxEvents);
    }
    consumerOverrides = Map.copyOf(consumerOverrides);
  }

  /** A builder with every default; {@code bootstrap} is e.g. {@code 127.0.0.1:9092}. */
  public static Builder builder(String bootstrap) {
    return new Builder(bootstrap);
  }

  /** Whether the console view prints an ANSI table (resolving {@link ConsoleMode#AUTO}). */
  public boolean ansi() {
    return console == ConsoleMode.ANSI || (console == ConsoleMode.AUTO && System.console() != null);
  }

  private static PrintWriter stdout() {
    return new PrintWriter(System.out, true, Charset.defaultCharset());
  }

  private static void requireText(String s, String name) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(name + " must be non-empty");
    }
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }

  /** Builds a {@link WatchConfig}. */
  public static final class Builder {
    private final String bootstrap;
    private String topic = AvlocTopics.HEATMAPS;
    private String framesTopic = AvlocTopics.FRAMES;
    private Set<String> cameras = Set.of();
    private boolean fromBeginning;
    private Path pngDir;
    private Duration pngInterval = Duration.ofSeconds(1);
    private String httpHost = DEFAULT_HTTP_HOST;
    private Integer httpPort;
    private ConsoleMode console = ConsoleMode.OFF;
    private PrintWriter out = stdout();
    private Duration refresh = Duration.ofSeconds(1);
    private Duration linesInterval = Duration.ofSeconds(5);
    private Duration window = LiveStats.DEFAULT_WINDOW;
    private Duration frameRetention = FrameCache.DEFAULT_RETENTION;
    private long frameCacheBytes = FrameCache.defaultMaxBytes();
    private Duration frameLookback;
    private Duration overlayInterval = Duration.ofMillis(250);
    private long maxEvents;
    private final Map<String, Object> consumerOverrides = new LinkedHashMap<>();

    private Builder(String bootstrap) {
      this.bootstrap = bootstrap;
    }

    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    /** The frames topic; {@code null} for overlays without frames. */
    public Builder framesTopic(String framesTopic) {
      this.framesTopic = framesTopic;
      return this;
    }

    /** Only these cameras; empty for all. */
    public Builder cameras(Set<String> cameras) {
      this.cameras = cameras;
      return this;
    }

    public Builder fromBeginning(boolean fromBeginning) {
      this.fromBeginning = fromBeginning;
      return this;
    }

    public Builder pngDir(Path pngDir) {
      this.pngDir = pngDir;
      return this;
    }

    public Builder pngInterval(Duration pngInterval) {
      this.pngInterval = pngInterval;
      return this;
    }

    /** Serves the web page on {@code host:port}; port 0 picks a free one. */
    public Builder http(String host, int port) {
      this.httpHost = host;
      this.httpPort = port;
      return this;
    }

    /** Serves the web page on the loopback interface; port 0 picks a free one. */
    public Builder http(int port) {
      return http(DEFAULT_HTTP_HOST, port);
    }

    public Builder console(ConsoleMode console, PrintWriter out) {
      this.console = console;
      this.out = out;
      return this;
    }

    public Builder console(ConsoleMode console, PrintStream out) {
      return console(console, new PrintWriter(out, true, Charset.defaultCharset()));
    }

    public Builder refresh(Duration refresh) {
      this.refresh = refresh;
      return this;
    }

    public Builder linesInterval(Duration linesInterval) {
      this.linesInterval = linesInterval;
      return this;
    }

    public Builder window(Duration window) {
      this.window = window;
      return this;
    }

    /** How far behind each camera's newest frame its frames are kept. */
    public Builder frameRetention(Duration frameRetention) {
      this.frameRetention = frameRetention;
      return this;
    }

    /** The most encoded frame bytes kept over all cameras. */
    public Builder frameCacheBytes(long frameCacheBytes) {
      this.frameCacheBytes = frameCacheBytes;
      return this;
    }

    public Builder frameLookback(Duration frameLookback) {
      this.frameLookback = frameLookback;
      return this;
    }

    public Builder overlayInterval(Duration overlayInterval) {
      this.overlayInterval = overlayInterval;
      return this;
    }

    /** Stops after this many heatmap events; 0 for never. */
    public Builder maxEvents(long maxEvents) {
      this.maxEvents = maxEvents;
      return this;
    }

    /** An extra Kafka consumer property for both consumers. */
    public Builder consumerProperty(String name, Object value) {
      this.consumerOverrides.put(name, value);
      return this;
    }

    public WatchConfig build() {
      return new WatchConfig(
          bootstrap,
          topic,
          framesTopic,
          cameras,
          fromBeginning,
          pngDir,
          pngInterval,
          httpHost,
          httpPort,
          console,
          out,
          refresh,
          linesInterval,
          window,
          frameRetention,
          frameCacheBytes,
          frameLookback == null ? frameRetention : frameLookback,
          overlayInterval,
          maxEvents,
          consumerOverrides);
    }
  }
}
