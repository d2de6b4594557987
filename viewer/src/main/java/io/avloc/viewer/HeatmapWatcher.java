package io.avloc.viewer;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.GroundTruthLabel;
import io.avloc.core.serde.HeatmapEventSerde;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a heatmap topic: keeps {@link LiveStats} per camera, pairs each camera's latest heatmap
 * with the exact frame it was computed on (same camera, same capture time, from the frames topic),
 * and shows both on the console, as PNG files and on a live web page, as the {@link WatchConfig}
 * asks. A heatmap is never drawn on another frame: when its own is not at hand (not arrived yet, or
 * older than the {@link FrameCache}'s retention) it is shown on a blank canvas and every view says
 * why ({@link FramePairing}).
 *
 * <p>Embedding:
 *
 * <pre>{@code
 * try (HeatmapWatcher watcher =
 *     HeatmapWatcher.start(WatchConfig.builder(bootstrap).http(8080).build())) {
 *   ...
 *   WatchStats stats = watcher.snapshot();   // any time, from any thread
 *   System.out.print(ConsoleTable.table("demo", stats));
 * }
 * }</pre>
 *
 * <p>Two consumers read by manual assignment (no consumer group, nothing committed, {@code
 * read_committed}): one for heatmaps, one for frames. Records that are not valid heatmap events are
 * counted and skipped. Overlays are drawn on demand and cached: at most once per camera per {@link
 * WatchConfig#overlayInterval()} for the web page and once per {@link WatchConfig#pngInterval()}
 * for files.
 */
public final class HeatmapWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HeatmapWatcher.class);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final int LOGGED_INVALID = 5;

  private final WatchConfig config;
  private final LiveStats stats;
  private final FrameCache frames;
  private final OverlayRenderer renderer = new OverlayRenderer();
  private final Map<String, Latest> latest = new ConcurrentHashMap<>();
  private final Map<String, OverlaySlot> overlays = new ConcurrentHashMap<>();
  private final Map<String, FramePairing> written = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();
  private final ScheduledExecutorService scheduler;
  private TopicReader heatmapReader;
  private TopicReader frameReader;
  private WatchServer server;

  /** The latest event of a camera and its place in arrival order. */
  private record Latest(HeatmapEvent event, GroundTruthLabel truth, long seq) {}

  /** An overlay as PNG and what it was drawn from: an event and its frame (or why none). */
  private record Rendered(FramePairing key, byte[] png) {}

  private HeatmapWatcher(WatchConfig config) {
    this.config = config;
    this.stats =
        new LiveStats(config.window(), LiveStats.DEFAULT_MAX_SAMPLES, LiveStats::systemMicros);
    this.frames = new FrameCache(config.frameRetention(), config.frameCacheBytes());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "avloc-watch-view");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts watching: binds the web page first (so a busy port fails at once), then starts the
   * consumers and the console and file views.
   *
   * @throws IllegalStateException when the web page cannot be bound
   * @throws UncheckedIOException when the PNG folder cannot be created
   */
  public static HeatmapWatcher start(WatchConfig config) {
    HeatmapWatcher w = new HeatmapWatcher(config);
    try {
      w.begin();
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
    return w;
  }

  private void begin() {
    if (config.pngDir() != null) {
      try {
        Files.createDirectories(config.pngDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the PNG folder " + config.pngDir(), e);
      }
    }
    if (config.httpPort() != null) {
      server = WatchServer.start(config.httpHost(), config.httpPort(), this);
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    boolean earliest = config.fromBeginning();
    heatmapReader =
        new TopicReader(
            config.bootstrap(),
            config.topic(),
            "avloc-watch-heatmaps-" + id,
            earliest ? new TopicReader.StartAt.Earliest() : new TopicReader.StartAt.Latest(),
            config.consumerOverrides(),
            this::onHeatmap);
    spawn(heatmapReader, "avloc-watch-heatmaps");
    if (config.framesTopic() != null) {
      frameReader =
          new TopicReader(
              config.bootstrap(),
              config.framesTopic(),
              "avloc-watch-frames-" + id,
              earliest
                  ? new TopicReader.StartAt.Earliest()
                  : new TopicReader.StartAt.Since(
                      System.currentTimeMillis() - config.frameLookback().toMillis()),
              config.consumerOverrides(),
              this::onFrame);
      spawn(frameReader, "avloc-watch-frames");
    }
    if (config.pngDir() != null) {
      long ms = config.pngInterval().toMillis();
      scheduler.scheduleWithFixedDelay(this::writePngsSafely, ms, ms, TimeUnit.MILLISECONDS);
    }
    if (config.console() != WatchConfig.ConsoleMode.OFF) {
      boolean ansi = config.ansi();
      long ms = (ansi ? config.refresh() : config.linesInterval()).toMillis();
      scheduler.scheduleAtFixedRate(() -> printSafely(ansi), ms, ms, TimeUnit.MILLISECONDS);
    }
    scheduler.scheduleWithFixedDelay(this::checkReaders, 200, 200, TimeUnit.MILLISECONDS);
  }

  private void spawn(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  // ---- public API ----------------------------------------------------------------------------

  /**
   * The statistics now, with the heatmap consumer's status line and, per camera, which frame its
   * latest heatmap pairs with (or why none).
   */
  public WatchStats snapshot() {
    List<FramePairing> pairings = new ArrayList<>();
    for (Map.Entry<String, Latest> e : new TreeMap<>(latest).entrySet()) {
      pairings.add(pairing(e.getKey(), e.getValue()));
    }
    return stats.snapshot().withStatus(heatmapStatus()).withFrames(pairings);
  }

  /**
   * The statistics for the web page: like {@link #snapshot()}, but each camera's frame pairing is
   * the one of the overlay the page is served ({@link #overlayPng(String, long)} with its {@code
   * eventSeq}), so the page's data and its picture always agree.
   */
  WatchStats pageSnapshot() {
    List<FramePairing> pairings = new ArrayList<>();
    for (String camera : new TreeMap<>(latest).keySet()) {
      Rendered r = overlay(camera, config.overlayInterval());
      if (r != null) {
        pairings.add(r.key());
      }
    }
    return stats.snapshot().withStatus(heatmapStatus()).withFrames(pairings);
  }

  /** The live statistics (shared; snapshots are cheap). */
  public LiveStats stats() {
    return stats;
  }

  /** The configuration the watcher runs with. */
  public WatchConfig config() {
    return config;
  }

  /** The camera's latest heatmap event, if one has arrived. */
  public Optional<HeatmapEvent> latestEvent(String camera) {
    Latest l = latest.get(camera);
    return l == null ? Optional.empty() : Optional.of(l.event());
  }

  /** The camera's latest frame, if one has arrived. */
  public Optional<FrameCache.Frame> latestFrame(String camera) {
    return frames.latest(camera);
  }

  /**
   * The camera's latest overlay as PNG, drawn on the frame the heatmap was computed on when it is
   * at hand, else on a dark canvas with a caption saying why (never on another frame); empty before
   * the camera's first heatmap.
   */
  public Optional<byte[]> overlayPng(String camera) {
    Rendered r = overlay(camera, config.overlayInterval());
    return r == null ? Optional.empty() : Optional.of(r.png());
  }

  /**
   * The overlay of the camera's heatmap event {@code eventSeq} (as a {@link FramePairing} of {@link
   * #snapshot()} names it) while it is still held, else the camera's latest overlay.
   */
  public Optional<byte[]> overlayPng(String camera, long eventSeq) {
    OverlaySlot slot = overlays.get(camera);
    Rendered held = slot == null ? null : slot.held(eventSeq);
    return held != null ? Optional.of(held.png()) : overlayPng(camera);
  }

  /** The web page's address (with the real port), when it is served. */
  public Optional<InetSocketAddress> httpAddress() {
    return server == null ? Optional.empty() : Optional.of(server.address());
  }

  /** The web page's URL, when it is served. */
  public Optional<String> httpUrl() {
    return httpAddress()
        .map(a -> "http://" + hostForUrl(config.httpHost()) + ":" + a.getPort() + "/");
  }

  /** What the heatmap consumer is doing. */
  public String heatmapStatus() {
    TopicReader r = heatmapReader;
    return r == null ? "not started" : r.status();
  }

  /** What the frames consumer is doing, or {@code null} without a frames topic. */
  public String framesStatus() {
    TopicReader r = frameReader;
    return r == null ? null : r.status();
  }

  /**
   * Waits until both consumers are positioned on their topics (or found the topic absent, in which
   * case its records are read from the beginning once it appears). Records produced after this
   * returns {@code true} are seen even when not reading from the beginning.
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (TopicReader r : readers()) {
      if (!r.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Waits until the watcher stops: closed, {@link WatchConfig#maxEvents()} reached, or a consumer
   * failed (see {@link #failure()}).
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Waits without a time limit; see {@link #awaitTermination(Duration)}. */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Whether the consumers are running (not closed, not failed, not done). */
  public boolean isRunning() {
    return terminated.getCount() > 0;
  }

  /** Why a consumer stopped on its own, if one did. */
  public Optional<Throwable> failure() {
    for (TopicReader r : readers()) {
      if (r.failure() != null) {
        return Optional.of(r.failure());
      }
    }
    return Optional.empty();
  }

  /**
   * Stops the consumers, writes the last overlays to the PNG folder, prints the final statistics
   * (unless the console is off) and stops the web page. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (TopicReader r : readers()) {
      r.stop();
    }
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (config.pngDir() != null) {
      writePngsSafely();
    }
    if (config.console() != WatchConfig.ConsoleMode.OFF && heatmapReader != null) {
      printSafely(config.ansi());
    }
    if (server != null) {
      server.close();
    }
    terminated.countDown();
  }

  // ---- consumers -----------------------------------------------------------------------------

  private void onHeatmap(ConsumerRecord<String, byte[]> r) {
    if (config.maxEvents() > 0 && accepted.get() >= config.maxEvents()) {
      return;
    }
    if (r.value() == null || (r.key() != null && !wanted(r.key()))) {
      return;
    }
    HeatmapEvent event;
    try {
      event = HeatmapEventSerde.fromJson(r.value());
    } catch (SerializationException e) {
      long n = stats.invalidRecords() + 1;
      stats.recordInvalid();
      if (n <= LOGGED_INVALID) {
        LOG.warn(
            "skipping an invalid heatmap record at {}-{}@{}: {}",
            r.topic(),
            r.partition(),
            r.offset(),
            e.getMessage());
      }
      return;
    }
    if (!wanted(event.camera())) {
      return;
    }
    GroundTruthLabel truth =
        GroundTruthHeaders.read(r.headers(), GroundTruthHeaders.Parsing.LENIENT);
    stats.record(event, truth);
    latest.put(event.camera(), new Latest(event, truth, sequence.incrementAndGet()));
    if (config.maxEvents() > 0 && accepted.incrementAndGet() >= config.maxEvents()) {
      heatmapReader.stop();
      terminated.countDown();
    }
  }

  private void onFrame(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null || r.value() == null || !wanted(r.key())) {
      return;
    }
    frames.put(r.key(), frameTsUs(r), r.value());
  }

  /** The frame's {@code ts-us} header, else the record timestamp. */
  static long frameTsUs(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(AvlocHeaders.TS_US);
    if (h != null && h.value() != null) {
      try {
        return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).trim());
      } catch (NumberFormatException e) {
        // fall through to the record time
      }
    }
    return r.timestamp() * 1000;
  }

  private boolean wanted(String camera) {
    return config.cameras().isEmpty() || config.cameras().contains(camera);
  }

  private List<TopicReader> readers() {
    List<TopicReader> list = new ArrayList<>(2);
    if (heatmapReader != null) {
      list.add(heatmapReader);
    }
    if (frameReader != null) {
      list.add(frameReader);
    }
    return list;
  }

  private void checkReaders() {
    if (failure().isPresent()) {
      terminated.countDown();
    }
  }

  // ---- overlays ------------------------------------------------------------------------------

  /**
   * One camera's cached overlay (and the one before, so a page that asked for the data of one event
   * gets that event's picture); drawing holds the lock so concurrent requests draw once.
   */
  private final class OverlaySlot {
    private Rendered rendered;
    private Rendered previous;
    private long renderedAtNanos;

    synchronized Rendered get(Latest l, FrameCache.Lookup lookup, Duration minInterval) {
      FramePairing key = pairing(l, lookup);
      if (rendered != null) {
        boolean sameEvent = rendered.key().eventSeq() == key.eventSeq();
        // Still right: the same event on its own frame stays, even once that frame is evicted.
        if (rendered.key().equals(key) || (sameEvent && rendered.key().paired())) {
          return rendered;
        }
        // A newer event waits for the interval; its own frame arriving for the same event does not.
        if (!sameEvent && System.nanoTime() - renderedAtNanos < minInterval.toNanos()) {
          return rendered;
        }
      }
      byte[] png =
          renderer.renderPng(
              lookup.paired() ? lookup.frame().bytes() : null, l.event(), l.truth(), key);
      if (rendered != null && rendered.key().eventSeq() != key.eventSeq()) {
        previous = rendered;
      }
      rendered = new Rendered(key, png);
      renderedAtNanos = System.nanoTime();
      return rendered;
    }

    synchronized Rendered held(long eventSeq) {
      if (rendered != null && rendered.key().eventSeq() == eventSeq) {
        return rendered;
      }
      return previous != null && previous.key().eventSeq() == eventSeq ? previous : null;
    }
  }

  private Rendered overlay(String camera, Duration minInterval) {
    Latest l = latest.get(camera);
    if (l == null) {
      return null;
    }
    return overlays
        .computeIfAbsent(camera, c -> new OverlaySlot())
        .get(l, lookup(camera, l), minInterval);
  }

  /** Where the frame of the camera's event is: the frame cache's answer, or no frames topic. */
  private FrameCache.Lookup lookup(String camera, Latest l) {
    if (config.framesTopic() == null) {
      return new FrameCache.Lookup(
          FrameCache.Status.NO_FRAMES_TOPIC, null, "the viewer reads no frames topic");
    }
    return frames.lookup(camera, l.event().frameTsUs());
  }

  private FramePairing pairing(String camera, Latest l) {
    return pairing(l, lookup(camera, l));
  }

  private static FramePairing pairing(Latest l, FrameCache.Lookup lookup) {
    return FramePairing.of(l.event().camera(), l.seq(), l.event().frameTsUs(), lookup);
  }

  private void writePngsSafely() {
    try {
      writePngs();
    } catch (RuntimeException e) {
      LOG.warn("writing overlays to {} failed", config.pngDir(), e);
    }
  }

  /** Rewrites {@code <camera>.png} for every camera whose overlay changed since the last write. */
  private void writePngs() {
    for (String camera : latest.keySet()) {
      Rendered r = overlay(camera, Duration.ZERO);
      if (r == null || r.key().equals(written.get(camera))) {
        continue;
      }
      Path target = config.pngDir().resolve(fileName(camera));
      try {
        Path tmp = Files.createTempFile(config.pngDir(), ".overlay-", ".tmp");
        try {
          Files.write(tmp, r.png());
          try {
            Files.move(
                tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
          }
        } finally {
          Files.deleteIfExists(tmp);
        }
        written.put(camera, r.key());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target, e);
      }
    }
  }

  /**
   * The overlay file name of a camera: {@code <camera>.png}, with characters other than letters,
   * digits, {@code .}, {@code _} and {@code -} replaced by {@code _}.
   */
  public static String fileName(String camera) {
    String safe = camera.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.isEmpty() || safe.startsWith(".")) {
      safe = "_" + safe;
    }
    return safe + ".png";
  }

  // ---- console -------------------------------------------------------------------------------

  private void printSafely(boolean ansi) {
    try {
      print(ansi);
    } catch (RuntimeException e) {
      LOG.warn("printing statistics failed", e);
    }
  }

  private void print(boolean ansi) {
    WatchStats s = snapshot();
    PrintWriter out = config.out();
    String time = LocalTime.now().format(CLOCK);
    if (ansi) {
      out.print(ConsoleTable.ANSI_CLEAR + ConsoleTable.table(title(time, s), s));
    } else if (s.cameras().isEmpty()) {
      out.println(time + " " + s.status() + ", no heatmap events yet");
    } else {
      for (String line : ConsoleTable.lines(time, s)) {
        out.println(line);
      }
    }
    out.flush();
  }

  private String title(String time, WatchStats s) {
    StringBuilder t = new StringBuilder("avloc watch  ");
    t.append(config.topic()).append(" @ ").append(config.bootstrap());
    httpUrl().ifPresent(u -> t.append("  ").append(u));
    t.append("  ").append(time).append("  ").append(s.status());
    return t.toString();
  }

  private static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
