package io.avloc.feed;

import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.AvlocTopics;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.serde.MediaSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@link CameraFeed}s to the media topics: frames to {@code avloc.frames} and audio to
 * {@code avloc.audio}, keyed by camera id, with the contract's headers (the README's contract
 * table) plus any extra headers of the feed (ground truth), and the Kafka record timestamp set to
 * {@code ts-us / 1000}.
 *
 * <p>Each camera runs on its own thread. In real-time mode each item is sent when its {@link
 * FeedItem#availableUs() time} comes (a frame at its capture time, an audio chunk when its last
 * sample is recorded); a camera that falls behind sends without waiting until it catches up. As
 * fast as possible, items go out back to back in the same order. Live feeds (RTSP) are never
 * delayed.
 *
 * <p>Sends are asynchronous through one idempotent producer ({@link #producerConfig}), which
 * retries through a broker outage for {@code delivery.timeout.ms}. A record it gives up on is lost
 * data: the publisher then stops every camera and reports it in {@link #failures()} (the command
 * exits with an error); failures are also counted in {@link #stats()} and logged. {@link #close()}
 * stops the cameras, flushes and closes the producer: call it on Ctrl-C.
 */
public final class FeedPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FeedPublisher.class);
  private static final int LOGGED_ERRORS = 10;

  /**
   * Where and how to publish.
   *
   * @param framesTopic topic for frames
   * @param audioTopic topic for audio chunks
   * @param realTime pace items at their timestamps ({@code false}: as fast as possible)
   * @param progressEvery how often to report progress, or {@code null} for never
   * @param progress receives progress lines (e.g. {@code System.err::println}); may be null
   */
  public record Settings(
      String framesTopic,
      String audioTopic,
      boolean realTime,
      Duration progressEvery,
      Consumer<String> progress) {

    public Settings {
      Objects.requireNonNull(framesTopic, "framesTopic");
      Objects.requireNonNull(audioTopic, "audioTopic");
      if (progressEvery != null && (progressEvery.isZero() || progressEvery.isNegative())) {
        throw new IllegalArgumentException("progress interval must be positive: " + progressEvery);
      }
    }

    /** Default topics, real time, no progress lines. */
    public static Settings defaults() {
      return new Settings(AvlocTopics.FRAMES, AvlocTopics.AUDIO, true, null, null);
    }

    public Settings withTopics(String frames, String audio) {
      return new Settings(frames, audio, realTime, progressEvery, progress);
    }

    public Settings withRealTime(boolean rt) {
      return new Settings(framesTopic, audioTopic, rt, progressEvery, progress);
    }

    public Settings withProgress(Duration every, Consumer<String> sink) {
      return new Settings(framesTopic, audioTopic, realTime, every, sink);
    }
  }

  private final Producer<String, byte[]> producer;
  private final Settings settings;
  private final List<CameraFeed> feeds;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean lostRecords = new AtomicBoolean();
  private final CountDownLatch closeDone = new CountDownLatch(1);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong chunks = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final long startNanos;
  private final long startEpochUs;
  private final ScheduledExecutorService reporter;

  private FeedPublisher(
      Producer<String, byte[]> producer, Settings settings, List<? extends CameraFeed> feeds) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.feeds = List.copyOf(feeds);
    Instant now = Instant.now();
    this.startNanos = System.nanoTime();
    this.startEpochUs = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    if (settings.progressEvery() != null && settings.progress() != null) {
      reporter =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "avloc-feed-progress");
                t.setDaemon(true);
                return t;
              });
      long every = settings.progressEvery().toMillis();
      reporter.scheduleAtFixedRate(new Progress(), every, every, TimeUnit.MILLISECONDS);
    } else {
      reporter = null;
    }
  }

  /**
   * Producer settings for media feeds: idempotent ({@code acks=all}), {@code linger.ms=5}, string
   * keys and byte-array values; {@code overrides} win.
   */
  public static Map<String, Object> producerConfig(String bootstrap, Map<String, ?> overrides) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "avloc-feed");
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    if (overrides != null) {
      c.putAll(overrides);
    }
    return c;
  }

  /**
   * Starts publishing with a new producer built from {@link #producerConfig} defaults overridden by
   * {@code producerConfig} (which needs at least {@code bootstrap.servers}).
   *
   * @throws FeedException when no feeds are given; the feeds are closed on failure
   */
  public static FeedPublisher start(
      Map<String, ?> producerConfig, Settings settings, List<? extends CameraFeed> feeds) {
    Object bootstrap = producerConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null) {
      feeds.forEach(CameraFeed::close);
      throw new FeedException("the producer configuration has no bootstrap.servers");
    }
    Map<String, Object> config = producerConfig(bootstrap.toString(), producerConfig);
    Producer<String, byte[]> producer;
    try {
      producer = new KafkaProducer<>(config);
    } catch (RuntimeException e) {
      feeds.forEach(CameraFeed::close);
      throw new FeedException("cannot create the Kafka producer: " + message(e), e);
    }
    return start(producer, settings, feeds);
  }

  /** Starts publishing through {@code producer}, which the publisher closes on {@link #close}. */
  public static FeedPublisher start(
      Producer<String, byte[]> producer, Settings settings, List<? extends CameraFeed> feeds) {
    if (feeds.isEmpty()) {
      producer.close(Duration.ZERO);
      throw new FeedException("no cameras to publish");
    }
    FeedPublisher p = new FeedPublisher(producer, settings, feeds);
    p.startThreads();
    return p;
  }

  private void startThreads() {
    for (CameraFeed feed : feeds) {
      Thread t = new Thread(() -> runCamera(feed), "avloc-feed-" + feed.cameraId());
      t.setDaemon(true);
      threads.add(t);
    }
    running.set(threads.size());
    threads.forEach(Thread::start);
  }

  private long nowUs() {
    return startEpochUs + (System.nanoTime() - startNanos) / 1000;
  }

  private void runCamera(CameraFeed feed) {
    try {
      boolean pace = settings.realTime() && !feed.live();
      while (!stopping.get()) {
        FeedItem item = feed.next();
        if (item == null) {
          break;
        }
        if (pace && !waitUntil(item.availableUs())) {
          break;
        }
        send(feed.cameraId(), item);
      }
    } catch (RuntimeException e) {
      if (!stopping.get()) {
        String m = "camera " + feed.cameraId() + ": " + message(e);
        failures.add(m);
        error(m, e);
      }
    } finally {
      running.decrementAndGet();
    }
  }

  /** Parks until the wall clock reaches {@code epochUs}; false if the publisher is stopping. */
  private boolean waitUntil(long epochUs) {
    while (!stopping.get()) {
      long waitUs = epochUs - nowUs();
      if (waitUs <= 0) {
        return true;
      }
      LockSupport.parkNanos(this, Math.min(waitUs, 100_000L) * 1000L);
    }
    return false;
  }

  private void send(String camera, FeedItem item) {
    ProducerRecord<String, byte[]> record;
    if (item instanceof FeedItem.Frame f) {
      VideoFrame frame = f.frame();
      record =
          new ProducerRecord<>(
              settings.framesTopic(), null, frame.tsUs() / 1000, camera, frame.data());
      MediaSerdes.writeHeaders(record.headers(), frame);
      f.extraHeaders()
          .forEach(
              (k, v) -> {
                record.headers().remove(k);
                record.headers().add(k, v.getBytes(StandardCharsets.UTF_8));
              });
    } else {
      AudioChunk chunk = ((FeedItem.Audio) item).chunk();
      record =
          new ProducerRecord<>(
              settings.audioTopic(), null, chunk.tsUs() / 1000, camera, chunk.pcm());
      MediaSerdes.writeHeaders(record.headers(), chunk);
    }
    int size = record.value().length;
    producer.send(record, callback(camera));
    (item instanceof FeedItem.Frame ? frames : chunks).incrementAndGet();
    bytes.addAndGet(size);
  }

  private Callback callback(String camera) {
    return (metadata, exception) -> {
      if (exception == null) {
        acked.incrementAndGet();
      } else {
        lost(camera, exception);
      }
    };
  }

  /**
   * A record the producer gave up on: it already retried through {@code delivery.timeout.ms} (e.g.
   * a broker outage longer than that), or the broker refused it for good. Publishing stops at once:
   * records after a gap would hide the loss, and a reader could not tell. The failure says what was
   * lost and how to ride out longer outages.
   */
  private void lost(String camera, Exception exception) {
    String m = "camera " + camera + ": send failed: " + message(exception);
    error(m, null);
    if (lostRecords.compareAndSet(false, true)) {
      failures.add(
          m
              + "; records were lost, so the feed stopped (the producer retries for"
              + " delivery.timeout.ms, 120 s by default: raise it with --producer"
              + " delivery.timeout.ms=MS to ride out longer broker outages)");
      stopping.set(true);
      threads.forEach(LockSupport::unpark);
    }
  }

  private void error(String message, Throwable cause) {
    long n = errors.incrementAndGet();
    firstError.compareAndSet(null, message);
    if (n <= LOGGED_ERRORS) {
      LOG.warn("{}", message, cause);
    } else if (n == LOGGED_ERRORS + 1) {
      LOG.warn("more feed errors; only the count is reported from now on");
    }
  }

  /** Counters now. */
  public FeedStats stats() {
    return new FeedStats(
        feeds.size(),
        running.get(),
        frames.get(),
        chunks.get(),
        acked.get(),
        errors.get(),
        bytes.get(),
        Duration.ofNanos(System.nanoTime() - startNanos),
        firstError.get());
  }

  /** Frames handed to the producer so far. */
  public long framesSent() {
    return frames.get();
  }

  /** Audio chunks handed to the producer so far. */
  public long chunksSent() {
    return chunks.get();
  }

  /** Failed sends plus failed cameras so far. */
  public long errors() {
    return errors.get();
  }

  /** Cameras that stopped on an error, one message each. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** The cameras being published. */
  public List<CameraFeed> feeds() {
    return feeds;
  }

  /** Whether every camera has ended (its duration reached, its source exhausted, or closed). */
  public boolean isDone() {
    return running.get() == 0;
  }

  /**
   * Waits until every camera has ended, then flushes the producer, so that all sends have been
   * acknowledged or have failed.
   *
   * @return {@code false} if the timeout passed first
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedJoin(t, left);
      if (t.isAlive()) {
        return false;
      }
    }
    flushUnlessClosed();
    return true;
  }

  /** Waits without a time limit until every camera has ended, then flushes. */
  public void await() throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
    flushUnlessClosed();
  }

  private void flushUnlessClosed() {
    if (!closed.get()) {
      try {
        producer.flush();
      } catch (RuntimeException e) {
        if (!closed.get()) {
          throw e;
        }
      }
    }
  }

  /**
   * Stops the cameras, flushes what was sent and closes the producer and the feeds. Idempotent; a
   * second caller waits until the first one is done.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      try {
        closeDone.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      stopAndClose();
    } finally {
      closeDone.countDown();
    }
  }

  private void stopAndClose() {
    stopping.set(true);
    for (Thread t : threads) {
      LockSupport.unpark(t);
    }
    for (Thread t : threads) {
      try {
        t.join(10_000);
        if (t.isAlive()) {
          t.interrupt();
          t.join(5_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (reporter != null) {
      reporter.shutdownNow();
    }
    try {
      producer.flush();
    } catch (RuntimeException e) {
      error("flush failed: " + message(e), null);
    }
    producer.close(Duration.ofSeconds(30));
    for (CameraFeed f : feeds) {
      try {
        f.close();
      } catch (RuntimeException e) {
        LOG.warn("closing camera {}: {}", f.cameraId(), message(e));
      }
    }
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** Prints rates since the previous report. */
  private final class Progress implements Runnable {
    private long lastNanos = startNanos;
    private long lastFrames;
    private long lastChunks;
    private long lastBytes;

    @Override
    public void run() {
      long now = System.nanoTime();
      long f = frames.get();
      long c = chunks.get();
      long b = bytes.get();
      double s = (now - lastNanos) / 1e9;
      settings
          .progress()
          .accept(
              String.format(
                  Locale.ROOT,
                  "feed: %d/%d cameras running, %.1f frames/s, %.1f chunks/s, %.2f MB/s;"
                      + " total %d frames, %d chunks, %d errors",
                  running.get(),
                  feeds.size(),
                  (f - lastFrames) / s,
                  (c - lastChunks) / s,
                  (b - lastBytes) / s / 1e6,
                  f,
                  c,
                  errors.get()));
      lastNanos = now;
      lastFrames = f;
      lastChunks = c;
      lastBytes = b;
    }
  }
}
