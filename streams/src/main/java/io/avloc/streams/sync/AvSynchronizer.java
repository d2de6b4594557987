package io.avloc.streams.sync;

import io.avloc.core.audio.TimedSamples;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.AvPair;
import io.avloc.modelserver.PairLocalizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pairs each camera's video frames with the audio around them and hands micro-batches of pairs to
 * its {@link PairStage}, inside the Kafka Streams task: embedded mode localizes them, distributed
 * mode forwards them to the pairs topic.
 *
 * <h2>Inputs and output</h2>
 *
 * One processor with two parents in the same sub-topology, both keyed by camera id and already
 * validated: {@link VideoFrame} values from the frames topic and {@link AudioChunk} values from the
 * audio topic (the input value type is therefore {@code Object}; anything else is an error). It
 * forwards one record per paired frame, keyed by camera, with the frame record's timestamp and
 * headers (so pass-through headers such as {@code gt-box} reach the output topic): a {@code
 * HeatmapEvent} plus the {@code model} header in embedded mode ({@link PairStage#localizing}), the
 * {@link AvPair} itself in distributed mode ({@link PairStage#forwarding}).
 *
 * <h2>Pairing</h2>
 *
 * A frame at t pairs with the audio [t − window + lookahead, t + lookahead] of its camera. It waits
 * until that camera's stored audio covers the window, or until the camera's clock (the latest frame
 * time or audio end seen from it) passes t + lookahead + grace; then it is ready and is paired with
 * what exists, zero-filled and flagged partial. Every comparison of times is within one camera:
 * cameras run on their own clocks, which may be hours apart.
 *
 * <ul>
 *   <li>Audio is stored per chunk at 16 kHz mono ({@link AudioChunkStore}; other rates are
 *       resampled on ingest by {@link CameraResamplers}). Chunks may arrive out of order; a camera
 *       keeps window + lookahead + grace of audio behind its clock, and never less than its oldest
 *       unemitted frame needs.
 *   <li>Audio is <em>late</em> (dropped, {@code avloc.audio.dropped{reason=late}}) when it ends
 *       before every window that could still use it: before the window start of the camera's last
 *       released frame, or more than the retention behind the camera's clock.
 *   <li>A frame not newer than the camera's last accepted frame is dropped ({@link
 *       DropReason#OUT_OF_ORDER}): heatmaps leave each camera in capture order. A frame closer than
 *       1 / maxRateHz to the last accepted one is dropped ({@link DropReason#RATE_CAP}).
 *   <li>Frames become ready in capture order per camera; a frame whose window is complete still
 *       waits for older frames of its camera.
 * </ul>
 *
 * <h2>Micro-batches and graceful degradation</h2>
 *
 * Ready frames are queued by reference ({@link ReadyQueue}). A batch of up to min(maxBatch,
 * stage.maxBatch()) pairs runs when that many are queued (during {@code process}; REALTIME: when
 * that many cameras not yet served since the last tick have frames queued) and on a wall-clock
 * punctuator every maxDelay, which runs everything queued (REALTIME: every camera once; CATCH_UP:
 * only once the task's input has paused for a tick, or its oldest pair has waited a few batch
 * times, so that a backlog is worked off in full batches). Batches are fair across cameras: cameras
 * take turns by when they were last served, in capture order within a camera; CATCH_UP fills a
 * batch with several frames of a camera, REALTIME serves each camera at most once per tick, so no
 * camera is served twice while another waits.
 *
 * <p>{@link SyncMode#REALTIME} serves the newest frames it can when the engine cannot keep up. A
 * frame's deadline is t + lookahead + staleBudget + {@value #DEADLINE_BATCHES} × the measured
 * inference time of a batch (wall clock); a frame past it is <em>stale</em>. Before each batch,
 * stale ready frames that have a newer ready frame of the same camera are shed, oldest first, and
 * counted ({@link DropReason#STALE}): per camera, latest wins. A camera's newest ready frame is
 * never shed for age, and waiting frames are never shed for age (they wait for their audio or the
 * grace), so a camera whose frames keep arriving keeps getting heatmaps at whatever share of the
 * engine the round-robin gives it. Only an expiring camera's stale frames are dropped outright.
 * {@link SyncMode#CATCH_UP} keeps every frame.
 *
 * <p>Each pair is assembled from the stores when its batch runs; after the stage returns, its
 * outputs are forwarded and the frames and queue entries deleted (distributed mode's stage takes
 * batches of one, so a pair leaves as soon as it is ready).
 *
 * <h2>Asynchronous batches</h2>
 *
 * With {@link AvSyncConfig#asyncBatches()} (the default, in both modes), a batch is selected and
 * assembled on the stream thread as above, then handed to the inference executor (one thread per
 * supplier, so per application instance: the batches of all its tasks take turns on one engine, in
 * the order they were handed over), and the stream thread goes back to ingesting at once. A task
 * has at most one batch in flight in REALTIME mode and {@value #CATCH_UP_MAX_IN_FLIGHT} in CATCH_UP
 * mode. A completion is applied on the stream thread only (the processor context is not
 * thread-safe), oldest batch first, at the start of the next {@code process} call or punctuation
 * after the engine returns: outputs and dead letters forwarded, frames and queue entries deleted,
 * exactly as for a synchronous batch; then the next batch may be selected. While a batch is in
 * flight its queue entries are neither selected again nor shed, and its frames stay in the stores,
 * so a commit in the meantime commits them as still pending. In CATCH_UP mode this overlaps the
 * engine with the thread's record handling (consume, stores, changelogs, commits), which otherwise
 * left the engine idle between batches, and the second batch keeps the engine busy while the thread
 * has yet to apply the first; batches still run one after another, so each camera's heatmaps keep
 * their capture order. With asynchronous batches off, the stage runs on the stream thread.
 *
 * <h2>Exactly once</h2>
 *
 * All state is in changelogged stores, and the frame and its audio stay there until the heatmap (or
 * the pair) is forwarded. Under {@code exactly_once_v2} the output records, the changelog records
 * of every store change (the deleted frame and queue entry included) and the consumed input offsets
 * are written in one Kafka transaction per commit, also when the work happens in a punctuator; a
 * batch still in flight at a commit is committed as pending, and the task's closing abandons it
 * without forwarding anything, so whoever opens the task next runs it again. A crash before the
 * commit aborts all of it: read-committed consumers never see the heatmaps, the stores are restored
 * to the last commit (where the frame is still pending or queued) and the input is read again from
 * the committed offsets, so each frame's heatmap is published once. The only state outside the
 * stores is the resamplers' few milliseconds of filter history ({@link CameraResamplers}), which a
 * restart loses.
 *
 * <h2>Cameras</h2>
 *
 * A new key is a new camera. A camera without records for cameraIdleTimeout (wall clock) expires:
 * its waiting frames are released as they are (partial; REALTIME still drops stale ones), the ready
 * queue is drained, and all its state is deleted ({@code avloc.cameras.expired}); it starts clean
 * if it returns. Time that the application was not running does not count as idle.
 *
 * <p>Units: capture times, audio times and durations in camera time are µs; the wall clock is µs
 * (from the injected clock, or the task's {@code currentSystemTimeMs()} × 1000).
 */
public final class AvSynchronizer<V> implements Processor<String, Object, String, V> {

  /** Suggested processor name in the topology. */
  public static final String NAME = "avloc-sync";

  /**
   * The child that receives the frames of pairs the stage rejected (raw frame bytes, the frame
   * record's headers plus the error headers, {@code error-stage=inference}); see {@link
   * InferenceDeadLetters}.
   */
  public static final String DEADLETTER_CHILD = InferenceDeadLetters.NAME;

  private static final Logger log = LoggerFactory.getLogger(AvSynchronizer.class);

  private final AvSyncConfig config;
  private final PairStage<V> stage;
  private final SyncMetrics metrics;
  private final LongSupplier wallClockUs;
  private final long windowUs;
  private final long lookaheadUs;
  private final long graceUs;
  private final CameraResamplers resamplers = new CameraResamplers();

  /**
   * Runs asynchronous batches' inference ({@link AvSyncConfig#asyncBatches()}); see {@link
   * #inferenceExecutor()}.
   */
  private final Executor inference;

  /**
   * The batches handed to the engine for this task and not yet applied (asynchronous batches),
   * oldest first: at most {@link #maxInFlight()}.
   */
  private final Deque<Batch> inFlight = new ArrayDeque<>();

  /**
   * Queue sequence numbers of {@link #inFlight}'s pairs: not selected again and not shed while the
   * engine runs them. In memory only: the stores hold them as ready, which is what a restart needs.
   */
  private final Set<Long> inFlightSeqs = new HashSet<>();

  /**
   * CATCH_UP: batches a task may have handed to the inference thread at once. With one, the engine
   * waited after every batch until the stream thread applied it, which happens only at the thread's
   * next record or punctuation: once a backlog is read, the thread sits in the consumer's poll (up
   * to {@code poll.ms}, 100 ms) between them, and the engine idled for as long. With two, the next
   * batch waits on the inference thread while one runs.
   */
  static final int CATCH_UP_MAX_IN_FLIGHT = 2;

  /** Batches of inference a stale frame's deadline allows for, besides the stale budget. */
  static final int DEADLINE_BATCHES = 2;

  /** Weight of the newest batch in the running mean of the inference time per batch. */
  private static final double BATCH_TIME_SMOOTHING = 0.2;

  // In memory only: after a restart every camera starts with an equal claim, which is fair.
  private final Map<String, Long> lastServedBatch = new HashMap<>();

  /**
   * REALTIME: cameras served since the last batch tick. Each camera is served at most once per
   * tick; a camera's other queued frames wait for the next one, by when a newer frame may replace
   * them, so no camera is served twice while the engine is behind on another's newest frame.
   */
  private final Set<String> servedThisTick = new HashSet<>();

  private long batches;
  private double batchUsEwma;

  /**
   * REALTIME, synchronous batches: wall clock at which the last batch ended, µs. Embedded inference
   * runs on the stream thread, and Kafka Streams halves the records it processes per task after
   * every loop in which a punctuator ran or a commit happened; a batch at every tick of a busy
   * machine therefore left ingest one record per task per batch, and with 8 cameras most frames
   * never reached the synchronizer (docs/benchmarks.md). After a batch, the thread goes to ingest
   * for at least as long as the batch took ({@link #engineRested}): inference gets at most half of
   * the thread, and the cameras' records keep coming in.
   */
  private long lastBatchEndUs = Long.MIN_VALUE;

  /**
   * Wall clock of the last record this task processed, µs. CATCH_UP only runs a partial batch at a
   * tick once its input has paused, see {@link #onBatchTick}.
   */
  private long lastRecordWallUs = Long.MIN_VALUE;

  /** Wall clock of the previous batch tick, µs. */
  private long lastTickUs = Long.MIN_VALUE;

  /**
   * CATCH_UP: the longest a ready pair waits for its batch to fill while records keep arriving, in
   * measured batch times; never less than {@link #CATCH_UP_MIN_FILL_WAIT_US}.
   */
  static final int CATCH_UP_FILL_WAIT_BATCHES = 4;

  /** CATCH_UP: the least of that wait, µs (1 s). */
  static final long CATCH_UP_MIN_FILL_WAIT_US = 1_000_000;

  private ProcessorContext<String, V> context;
  private AudioChunkStore audio;
  private PendingFrames frames;
  private ReadyQueue ready;
  private KeyValueStore<String, CameraState> cameras;
  private long activeCameras;
  private long startedAtUs;

  /**
   * A synchronizer on the task's wall clock.
   *
   * @see #AvSynchronizer(AvSyncConfig, PairStage, SyncMetrics, LongSupplier)
   */
  public AvSynchronizer(AvSyncConfig config, PairStage<V> stage, SyncMetrics metrics) {
    this(config, stage, metrics, null);
  }

  /**
   * A synchronizer whose asynchronous batches run on the calling thread: each is complete when it
   * has been handed over, and applied at once.
   *
   * @see #AvSynchronizer(AvSyncConfig, PairStage, SyncMetrics, LongSupplier, Executor)
   */
  public AvSynchronizer(
      AvSyncConfig config, PairStage<V> stage, SyncMetrics metrics, LongSupplier wallClockUs) {
    this(config, stage, metrics, wallClockUs, Runnable::run);
  }

  /**
   * @param config settings
   * @param stage what a batch of pairs becomes; shared by all processors of the supplier, so it is
   *     called from every stream thread and from {@code inference}
   * @param metrics the meters, shared by the processors of one topology
   * @param wallClockUs wall clock in µs since the epoch, or null for the task's clock ({@code
   *     ProcessorContext.currentSystemTimeMs()}, which TopologyTestDriver advances with {@code
   *     advanceWallClockTime})
   * @param inference runs asynchronous batches' {@code stage.run} ({@link #inferenceExecutor()}); a
   *     direct executor ({@code Runnable::run}) runs them on the stream thread without the rest
   */
  public AvSynchronizer(
      AvSyncConfig config,
      PairStage<V> stage,
      SyncMetrics metrics,
      LongSupplier wallClockUs,
      Executor inference) {
    this.config = Objects.requireNonNull(config, "config");
    this.stage = Objects.requireNonNull(stage, "stage");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.inference = Objects.requireNonNull(inference, "inference");
    this.wallClockUs = wallClockUs;
    this.windowUs = config.windowUs();
    this.lookaheadUs = config.lookaheadUs();
    this.graceUs = config.graceUs();
  }

  /**
   * Supplies synchronizers that localize in-process (embedded mode), with persistent stores ({@link
   * SyncStores#builders()}), which {@code Topology.addProcessor} adds and connects.
   */
  public static ProcessorSupplier<String, Object, String, HeatmapEvent> supplier(
      AvSyncConfig config, PairLocalizer localizer, MeterRegistry registry) {
    return supplier(config, localizer, SyncMetrics.boundTo(registry), null, SyncStores.builders());
  }

  /**
   * Supplies synchronizers that forward each ready pair (distributed mode), with persistent stores.
   * Forwarding a pair takes no time, so batches stay on the stream thread: handing them to another
   * thread would only hold each pair back until the next record or tick.
   */
  public static ProcessorSupplier<String, Object, String, AvPair> pairSupplier(
      AvSyncConfig config, MeterRegistry registry) {
    return supplier(
        config.withAsyncBatches(false),
        PairStage.forwarding(),
        SyncMetrics.boundTo(registry),
        null,
        SyncStores.builders());
  }

  /**
   * Supplies synchronizers that localize in-process.
   *
   * @param wallClockUs wall clock in µs, or null for the task's clock
   * @param stores the store builders to connect, {@link SyncStores#builders()} or {@link
   *     SyncStores#inMemoryBuilders()}
   */
  public static ProcessorSupplier<String, Object, String, HeatmapEvent> supplier(
      AvSyncConfig config,
      PairLocalizer localizer,
      SyncMetrics metrics,
      LongSupplier wallClockUs,
      Set<StoreBuilder<?>> stores) {
    return supplier(config, PairStage.localizing(localizer), metrics, wallClockUs, stores);
  }

  /**
   * Supplies synchronizers ending in {@code stage}, whose asynchronous batches share one inference
   * thread ({@link #inferenceExecutor()}).
   *
   * @param wallClockUs wall clock in µs, or null for the task's clock
   * @param stores the store builders to connect
   */
  public static <V> ProcessorSupplier<String, Object, String, V> supplier(
      AvSyncConfig config,
      PairStage<V> stage,
      SyncMetrics metrics,
      LongSupplier wallClockUs,
      Set<StoreBuilder<?>> stores) {
    return supplier(config, stage, metrics, wallClockUs, stores, inferenceExecutor());
  }

  /**
   * Supplies synchronizers ending in {@code stage}.
   *
   * @param wallClockUs wall clock in µs, or null for the task's clock
   * @param stores the store builders to connect
   * @param inference runs the asynchronous batches of every synchronizer supplied, see {@link
   *     #inferenceExecutor()}
   */
  public static <V> ProcessorSupplier<String, Object, String, V> supplier(
      AvSyncConfig config,
      PairStage<V> stage,
      SyncMetrics metrics,
      LongSupplier wallClockUs,
      Set<StoreBuilder<?>> stores,
      Executor inference) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(inference, "inference");
    Set<StoreBuilder<?>> builders = Set.copyOf(stores);
    return new ProcessorSupplier<>() {
      @Override
      public Processor<String, Object, String, V> get() {
        return new AvSynchronizer<>(config, stage, metrics, wallClockUs, inference);
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return builders;
      }
    };
  }

  private static final AtomicInteger INFERENCE_THREADS = new AtomicInteger();

  /**
   * One inference thread, for the asynchronous batches of one supplier's synchronizers (one
   * application instance): their tasks' batches take turns on the engine in the order they were
   * handed over, and as each task has at most one batch in flight, that is round-robin across
   * tasks, whichever stream thread runs them. One thread, because the engine already runs a batch
   * on its own threads across the cores; two batches at once would only share them. A daemon thread
   * that lives as long as the process: the engine keeps a predictor per calling thread (DjlEngine),
   * which a thread that ended and was replaced would leave behind.
   */
  public static Executor inferenceExecutor() {
    return new ThreadPoolExecutor(
        1,
        1,
        0,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "avloc-inference-" + INFERENCE_THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public void init(ProcessorContext<String, V> context) {
    this.context = context;
    KeyValueStore<Bytes, byte[]> audioStore = context.getStateStore(SyncStores.AUDIO);
    KeyValueStore<Bytes, PendingFrame> frameStore = context.getStateStore(SyncStores.FRAMES);
    KeyValueStore<Long, ReadyQueue.Ref> readyStore = context.getStateStore(SyncStores.READY);
    this.audio = new AudioChunkStore(audioStore);
    this.frames = new PendingFrames(frameStore);
    this.ready = new ReadyQueue(readyStore);
    this.cameras = context.getStateStore(SyncStores.CAMERAS);
    try (KeyValueIterator<String, CameraState> it = cameras.all()) {
      while (it.hasNext()) {
        it.next();
        activeCameras++;
      }
    }
    metrics.activeCameras(activeCameras);
    startedAtUs = now();
    context.schedule(config.maxDelay(), PunctuationType.WALL_CLOCK_TIME, t -> onBatchTick());
    context.schedule(
        config.expiryCheckInterval(), PunctuationType.WALL_CLOCK_TIME, t -> expireIdleCameras());
    log.debug(
        "{} started with {} cameras and {} ready frames",
        context.taskId(),
        activeCameras,
        ready.size());
  }

  @Override
  public void process(Record<String, Object> record) {
    completeFinishedBatch();
    String camera = record.key();
    Object value = record.value();
    lastRecordWallUs = now();
    if (camera == null || value == null) {
      log.warn("skipping a record without camera id or value (key {})", camera);
      return;
    }
    if (value instanceof VideoFrame frame) {
      onFrame(camera, frame, record);
    } else if (value instanceof AudioChunk chunk) {
      onAudio(camera, chunk);
    } else {
      throw new IllegalArgumentException(
          "expected a VideoFrame or an AudioChunk, got " + value.getClass().getName());
    }
  }

  /**
   * Forwards nothing more. A batch in flight is abandoned (not started if it still waits for the
   * engine): its pairs are still pending in the stores, and whoever gets the task runs them.
   */
  @Override
  public void close() {
    for (Batch b : inFlight) {
      b.done.cancel(false);
      log.debug("{}: abandoned a batch of {} pairs in flight", context.taskId(), b.size());
    }
    inFlight.clear();
    inFlightSeqs.clear();
    metrics.activeCameras(-activeCameras);
    activeCameras = 0;
  }

  private void onFrame(String camera, VideoFrame frame, Record<String, Object> record) {
    long now = now();
    CameraState st = cameraState(camera, now);
    long t = frame.tsUs();
    st.clockUs = Math.max(st.clockUs, t);
    DropReason reason = admit(st, t, now);
    if (reason == null) {
      frames.put(camera, new PendingFrame(frame, record.headers(), record.timestamp(), now));
      st.lastFrameUs = t;
      st.addUnemitted(t);
    } else {
      metrics.dropped(reason);
      log.debug("camera {}: frame {} dropped ({})", camera, t, reason.tag());
    }
    settle(camera, st, now);
  }

  private void onAudio(String camera, AudioChunk chunk) {
    long now = now();
    CameraState st = cameraState(camera, now);
    if (chunk.endUs() <= lateBeforeUs(st)) {
      metrics.lateAudio();
      log.debug("camera {}: late audio [{}, {}) dropped", camera, chunk.tsUs(), chunk.endUs());
    } else {
      for (TimedSamples piece : resamplers.toStoredRate(camera, chunk)) {
        long start = piece.firstSampleUs();
        long end = audio.put(camera, start, piece.data());
        st.audioEndUs = Math.max(st.audioEndUs, end);
        st.maxChunkUs = Math.max(st.maxChunkUs, end - start);
      }
      st.clockUs = Math.max(st.clockUs, chunk.endUs());
    }
    settle(camera, st, now);
  }

  /** After a record: release what became ready, trim audio, save, run full batches. */
  private void settle(String camera, CameraState st, long now) {
    release(camera, st, now, false);
    evictAudio(camera, st);
    cameras.put(camera, st);
    while (selectableCount() >= batchSize()) {
      // REALTIME: a full batch means as many cameras as the batch holds. Behind a backlog the
      // queue keeps filling with frames that a newer one of their camera replaces, and a batch of
      // one camera's frames would serve it twice while others wait; the punctuator serves the
      // newest frame of every camera once the records at hand are processed.
      if (inFlight.size() >= maxInFlight()) {
        break; // a completion is applied first, then the next batch may start
      }
      Set<String> exclude = null;
      if (config.mode() == SyncMode.REALTIME) {
        if (!asyncBatches() && !engineRested(now())) {
          break; // the next tick after the rest runs it
        }
        shedSuperseded(now());
        exclude = servedThisTick;
        if (unservedCameras() < batchSize()) {
          break;
        }
      }
      if (batch(exclude, asyncBatches()) == 0) {
        break;
      }
    }
  }

  private CameraState cameraState(String camera, long now) {
    CameraState st = cameras.get(camera);
    if (st == null) {
      st = CameraState.fresh(now);
      resamplers.forget(camera);
      activeCameras++;
      metrics.activeCameras(1);
      log.info("camera {}: new", camera);
    }
    st.lastSeenWallUs = now;
    return st;
  }

  private DropReason admit(CameraState st, long t, long now) {
    if (st.lastFrameUs != CameraState.NONE) {
      if (t <= st.lastFrameUs) {
        return DropReason.OUT_OF_ORDER;
      }
      if (t - st.lastFrameUs < config.minFrameIntervalUs()) {
        return DropReason.RATE_CAP;
      }
    }
    // A frame past its deadline is still accepted: it may be the newest its camera will send for a
    // while, and shedding it for age alone is what left cameras with no output under load.
    return null;
  }

  /**
   * REALTIME: whether the frame at t is past its deadline, t + lookahead + {@link
   * #deadlineBudgetUs()} on the wall clock. A stale frame is only shed in favour of a newer ready
   * frame of its camera ({@link #shedSuperseded}), or when its camera expires.
   */
  private boolean stale(long t, long now) {
    return config.mode() == SyncMode.REALTIME && now - t - lookaheadUs > deadlineBudgetUs();
  }

  /**
   * How long after its window end a frame may still be served, µs of wall clock: the configured
   * stale budget plus {@value #DEADLINE_BATCHES} batches at the measured time of a batch (from its
   * formation until its outputs are forwarded: with asynchronous batches, the engine's turn and the
   * wait for the stream thread to apply it), because a frame that becomes ready while a batch runs
   * waits for that batch and then for its own. On a slow or busy machine the deadline therefore
   * stretches with the engine instead of declaring every frame late.
   */
  long deadlineBudgetUs() {
    return config.staleBudgetUs() + DEADLINE_BATCHES * Math.round(batchUsEwma);
  }

  /** Audio ending at or before this belongs to no window that can still be paired, µs. */
  private long lateBeforeUs(CameraState st) {
    long late = CameraState.NONE;
    if (st.releasedUpToUs != CameraState.NONE) {
      late = st.releasedUpToUs - windowUs + lookaheadUs;
    }
    if (st.clockUs != CameraState.NONE) {
      late = Math.max(late, st.clockUs - config.audioRetentionUs());
    }
    return late;
  }

  /**
   * Moves the camera's waiting frames, oldest first, to the ready queue while they are ready: their
   * window is covered, the grace has passed on the camera's clock, or {@code force} (the camera
   * expires: then REALTIME drops its stale frames, as no newer frame will come to replace them).
   */
  private void release(String camera, CameraState st, long now, boolean force) {
    for (long t = st.firstWaiting(); t != CameraState.NONE; t = st.firstWaiting()) {
      if (force && stale(t, now)) {
        drop(camera, st, t, DropReason.STALE);
        continue;
      }
      boolean isReady =
          force
              || st.clockUs - t >= lookaheadUs + graceUs
              || (st.audioEndUs != CameraState.NONE
                  && st.audioEndUs >= t + lookaheadUs
                  && audio.complete(camera, t, windowUs, lookaheadUs, st.maxChunkUs));
      if (!isReady) {
        return;
      }
      ready.add(new ReadyQueue.Ref(camera, t, now));
      st.releasedUpToUs = t;
    }
  }

  /**
   * REALTIME latest-wins: of each camera's ready frames, the stale ones that have a newer ready
   * frame behind them are shed (oldest first, {@link DropReason#STALE}). A camera's newest ready
   * frame is never shed here, however late: it is the best that camera has to offer, so every
   * camera whose frames keep arriving keeps getting heatmaps.
   *
   * @return how many frames were shed
   */
  private int shedSuperseded(long now) {
    int shed = 0;
    for (String camera : List.copyOf(ready.cameras())) {
      List<KeyValue<Long, ReadyQueue.Ref>> entries = selectable(camera);
      CameraState st = null;
      for (int i = 0; i < entries.size() - 1; i++) {
        ReadyQueue.Ref ref = entries.get(i).value;
        if (!stale(ref.frameTsUs(), now)) {
          break; // newer ones are fresher still
        }
        if (st == null) {
          st = cameras.get(camera);
        }
        ready.remove(entries.get(i).key);
        frames.delete(camera, ref.frameTsUs());
        if (st != null) {
          st.removeUnemitted(ref.frameTsUs());
        }
        metrics.dropped(DropReason.STALE);
        shed++;
        log.debug("camera {}: ready frame {} shed for a newer one", camera, ref.frameTsUs());
      }
      if (st != null) {
        cameras.put(camera, st);
      }
    }
    return shed;
  }

  /**
   * The next batch: up to {@code n} ready entries, fair across cameras. Cameras take turns by when
   * they were last served (never served first, then the camera whose last heatmap is oldest), so
   * under load every camera gets a share of each engine second instead of whichever camera's frames
   * happened to be queued first. CATCH_UP takes one entry per camera per round, in capture order
   * within a camera, until the batch is full. REALTIME takes at most one entry per camera, and none
   * of a camera in {@code exclude}: a camera with several fresh frames queued must not be served
   * twice while the engine is behind on the others' newest.
   *
   * @param exclude cameras not to serve now (REALTIME: {@link #servedThisTick}), or null
   */
  private List<KeyValue<Long, ReadyQueue.Ref>> selectBatch(int n, Set<String> exclude) {
    List<String> order = new ArrayList<>();
    Map<String, List<KeyValue<Long, ReadyQueue.Ref>>> entries = new HashMap<>();
    for (String camera : ready.cameras()) {
      List<KeyValue<Long, ReadyQueue.Ref>> es =
          exclude == null || !exclude.contains(camera) ? selectable(camera) : List.of();
      if (!es.isEmpty()) {
        order.add(camera);
        entries.put(camera, es);
      }
    }
    order.sort(
        Comparator.comparingLong((String c) -> lastServedBatch.getOrDefault(c, -1L))
            .thenComparingLong(c -> entries.get(c).get(0).key));
    int rounds = config.mode() == SyncMode.REALTIME ? 1 : Integer.MAX_VALUE;
    List<KeyValue<Long, ReadyQueue.Ref>> batch = new ArrayList<>(n);
    for (int round = 0; round < rounds && batch.size() < n; round++) {
      boolean any = false;
      for (String camera : order) {
        List<KeyValue<Long, ReadyQueue.Ref>> es = entries.get(camera);
        if (round < es.size() && batch.size() < n) {
          batch.add(es.get(round));
          any = true;
        }
      }
      if (!any) {
        break;
      }
    }
    return batch;
  }

  /** The camera's queue entries, oldest first, less those in flight. */
  private List<KeyValue<Long, ReadyQueue.Ref>> selectable(String camera) {
    List<KeyValue<Long, ReadyQueue.Ref>> entries = ready.entries(camera);
    if (!inFlightSeqs.isEmpty()) {
      entries.removeIf(e -> inFlightSeqs.contains(e.key));
    }
    return entries;
  }

  private void drop(String camera, CameraState st, long t, DropReason reason) {
    frames.delete(camera, t);
    st.removeUnemitted(t);
    st.releasedUpToUs = Math.max(st.releasedUpToUs, t);
    metrics.dropped(reason);
    log.debug("camera {}: frame {} dropped ({})", camera, t, reason.tag());
  }

  /** Keeps the retention behind the clock, and whatever the oldest unemitted frame needs. */
  private void evictAudio(String camera, CameraState st) {
    if (st.clockUs == CameraState.NONE) {
      return;
    }
    long floor = st.clockUs - config.audioRetentionUs();
    if (st.hasUnemitted()) {
      floor = Math.min(floor, st.oldestUnemitted() - windowUs + lookaheadUs);
    }
    audio.evict(camera, floor);
  }

  /**
   * One batch of pairs: what {@link #assemble} took from the stores, and what the stage made of it.
   * The stage runs on the stream thread or on {@link #inference}; everything else on the stream
   * thread. {@link #done} publishes the stage's results to the stream thread.
   */
  private final class Batch {
    final List<AvPair> pairs = new ArrayList<>();
    final List<PendingFrame> sources = new ArrayList<>();
    final List<Long> seqs = new ArrayList<>();

    /** Queue entries the batch consumed: its pairs, shed ones and orphans. */
    int consumed;

    /** Stream-thread wall clock when it was formed, µs. */
    long startUs;

    final Map<Integer, PairStage.Rejection> rejected = new HashMap<>();
    List<V> outputs;
    CompletableFuture<Void> done;

    int size() {
      return pairs.size();
    }

    /** Runs the stage; on whichever thread runs the batch. */
    void runStage() {
      outputs = stage.run(List.copyOf(pairs), startUs, r -> rejected.put(r.index(), r));
    }
  }

  /**
   * Sheds what is superseded (REALTIME), then takes one fair batch ({@link #selectBatch}) and
   * assembles its pairs from the stores.
   *
   * @param exclude cameras not to serve, or null
   */
  private Batch assemble(Set<String> exclude) {
    Batch b = new Batch();
    b.startUs = now();
    int shed = shedSuperseded(b.startUs);
    List<KeyValue<Long, ReadyQueue.Ref>> refs = selectBatch(batchSize(), exclude);
    b.consumed = shed + refs.size();
    for (KeyValue<Long, ReadyQueue.Ref> kv : refs) {
      ReadyQueue.Ref ref = kv.value;
      PendingFrame f = frames.get(ref.camera(), ref.frameTsUs());
      CameraState st = cameras.get(ref.camera());
      if (f == null || st == null) {
        // Cannot happen while the stores are consistent; do not let one entry block the queue.
        log.warn("camera {}: ready frame {} has no stored frame", ref.camera(), ref.frameTsUs());
        ready.remove(kv.key);
        continue;
      }
      AudioChunkStore.Window w =
          audio.window(ref.camera(), ref.frameTsUs(), windowUs, lookaheadUs, st.maxChunkUs);
      b.pairs.add(
          new AvPair(
              ref.camera(),
              f.frame(),
              w.samples(),
              w.startUs(),
              w.endUs(),
              w.partial(),
              f.arrivedAtUs(),
              ref.readyAtUs()));
      b.sources.add(f);
      b.seqs.add(kv.key);
    }
    return b;
  }

  /**
   * Runs one batch: on the stream thread, or ({@code async}) handed to {@link #inference}, from
   * which {@link #completeFinishedBatch} applies it; the served cameras are added to {@code
   * exclude} either way.
   *
   * @param exclude cameras not to serve, to which the served ones are added; or null
   * @return how many queue entries it consumed, shed ones included
   */
  private int batch(Set<String> exclude, boolean async) {
    Batch b = assemble(exclude);
    if (b.pairs.isEmpty()) {
      return b.consumed;
    }
    if (exclude != null) {
      b.pairs.forEach(p -> exclude.add(p.camera()));
    }
    if (!async) {
      b.runStage();
      complete(b);
      return b.consumed;
    }
    inFlight.addLast(b);
    inFlightSeqs.addAll(b.seqs);
    // One inference thread runs the handed batches in the order handed, so a task's batches finish
    // in order and each camera's heatmaps keep their capture order.
    b.done = CompletableFuture.runAsync(b::runStage, inference);
    completeFinishedBatch(); // an engine that ran it at once (direct executor) is done
    return b.consumed;
  }

  /**
   * Applies the batches in flight that the engine has finished, oldest first, up to the first one
   * still running: called on the stream thread, at the start of every {@code process} call and
   * punctuation. An engine that threw fails the call as a synchronous batch would (its pairs, and
   * those of the batches after it, stay pending in the stores; nothing more is forwarded).
   */
  private void completeFinishedBatch() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().done.isDone()) {
      Batch b = inFlight.removeFirst();
      b.seqs.forEach(inFlightSeqs::remove);
      try {
        b.done.join();
      } catch (CompletionException e) {
        // The batches after it ran on stores this one should have changed first: drop them too.
        inFlight.forEach(later -> later.done.cancel(false));
        inFlight.clear();
        inFlightSeqs.clear();
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw e;
      }
      complete(b);
    }
  }

  /**
   * Waits for the batches in flight and applies them, for work that needs the stores as they will
   * be committed (an expiring camera's state is deleted).
   */
  private void awaitBatchInFlight() {
    while (!inFlight.isEmpty()) {
      try {
        inFlight.peekFirst().done.join();
      } catch (CompletionException | CancellationException e) {
        // completeFinishedBatch rethrows it
      }
      completeFinishedBatch();
    }
  }

  /**
   * Batches a task may have on the inference thread at once: see {@link #CATCH_UP_MAX_IN_FLIGHT}.
   */
  private int maxInFlight() {
    // REALTIME serves the newest frame of each camera: a second batch handed early would be formed
    // before newer frames arrive, and wait with them.
    return config.mode() == SyncMode.CATCH_UP ? CATCH_UP_MAX_IN_FLIGHT : 1;
  }

  /** Ready queue entries not in a batch in flight. */
  private int selectableCount() {
    return ready.size() - inFlightSeqs.size();
  }

  /**
   * A batch the stage has run: its outputs (or dead letters) are forwarded, its frames and queue
   * entries deleted, in the same transaction.
   */
  private void complete(Batch b) {
    long endUs = now();
    long tookUs = Math.max(0, endUs - b.startUs);
    lastBatchEndUs = endUs;
    batchUsEwma =
        batches == 0 ? tookUs : batchUsEwma + BATCH_TIME_SMOOTHING * (tookUs - batchUsEwma);
    batches++;
    for (int i = 0; i < b.pairs.size(); i++) {
      AvPair pair = b.pairs.get(i);
      PendingFrame f = b.sources.get(i);
      V out = b.outputs.get(i);
      PairStage.Rejection rejection = b.rejected.get(i);
      if (rejection != null) {
        deadLetter(pair, f, rejection);
      } else {
        context.forward(
            new Record<>(
                pair.camera(), out, f.recordTimestampMs(), stage.headers(f.headers(), out)));
      }
      frames.delete(pair.camera(), pair.frameTsUs());
      ready.remove(b.seqs.get(i));
      CameraState st = cameras.get(pair.camera());
      st.removeUnemitted(pair.frameTsUs());
      cameras.put(pair.camera(), st);
      if (rejection == null) {
        metrics.paired(pair.partial());
      }
      lastServedBatch.put(pair.camera(), batches);
    }
  }

  private int unservedCameras() {
    int n = 0;
    for (String camera : ready.cameras()) {
      if (!servedThisTick.contains(camera)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Sends a rejected pair's frame to {@link #DEADLETTER_CHILD}: its encoded bytes and record
   * headers as ingest received them, plus the error headers. The value is not a {@code V}, so it
   * goes by name to the one child that expects raw frames.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void deadLetter(AvPair pair, PendingFrame f, PairStage.Rejection rejection) {
    log.warn(
        "camera {}: frame {} dead-lettered at inference ({}): {}",
        pair.camera(),
        pair.frameTsUs(),
        rejection.reason(),
        rejection.message());
    Headers h = new RecordHeaders(f.headers().toArray());
    InferenceDeadLetters.put(h, AvlocHeaders.ERROR, rejection.message());
    InferenceDeadLetters.put(h, AvlocHeaders.ERROR_REASON, rejection.reason());
    InferenceDeadLetters.put(h, AvlocHeaders.ERROR_STAGE, InferenceDeadLetters.STAGE);
    ((ProcessorContext) context)
        .forward(
            new Record<>(pair.camera(), f.frame().data(), f.recordTimestampMs(), h),
            DEADLETTER_CHILD);
  }

  /** Read per batch: the runtime may swap models or change its batch limit while running. */
  private int batchSize() {
    return Math.max(1, Math.min(config.maxBatch(), stage.maxBatch()));
  }

  /**
   * Runs batches until the queue is empty (REALTIME: one round, see {@link #servedThisTick}; with
   * {@code async}, until a batch is in flight).
   *
   * @param rest REALTIME, synchronous batches: rest after each batch ({@link #engineRested})
   * @param async hand the batches to the inference thread
   */
  private void drainReady(boolean rest, boolean async) {
    if (config.mode() == SyncMode.REALTIME) {
      while (selectableCount() > 0
          && inFlight.isEmpty()
          && (async || !rest || engineRested(now()))
          && batch(servedThisTick, async) > 0) {
        // each batch serves cameras not yet served this tick, or sheds; synchronous: after a batch
        // the thread rests (ingests) before the next one, so a tick runs one batch on a busy
        // machine; asynchronous: the thread ingests while the batch runs
      }
    } else {
      while (selectableCount() > 0 && inFlight.size() < maxInFlight() && batch(null, async) > 0) {
        // each batch removes its entries from the queue; asynchronous: until the inference
        // thread has as many of this task's batches as it may
      }
    }
  }

  /**
   * Runs batches until the queue is empty, in rounds, on the stream thread (an expiring camera
   * leaves nothing).
   */
  private void drainAll() {
    awaitBatchInFlight();
    while (ready.size() > 0) {
      servedThisTick.clear();
      int before = ready.size();
      drainReady(false, false); // an expiring camera's frames go now, rest or not
      if (ready.size() >= before) {
        break; // cannot happen: every round serves or sheds; do not spin if it does
      }
    }
  }

  /**
   * Batch punctuator: runs what is ready. Waiting frames are not shed here for age: a frame waits
   * for its audio (or the grace) as long as it takes, and only a newer ready frame of its camera
   * replaces it.
   */
  private void onBatchTick() {
    completeFinishedBatch();
    long now = now();
    boolean inputPaused = lastRecordWallUs < lastTickUs;
    lastTickUs = now;
    servedThisTick.clear();
    if (config.mode() == SyncMode.CATCH_UP && !inputPaused && !oldestWaitedForFill(now)) {
      // Working through a backlog: records keep coming, so the batch keeps filling (settle() runs
      // it when full). Running whatever is queued every tick made batches of 3 pairs on average
      // where 8 were due, and the engine runs a batch of 3 little faster than one of 8.
      return;
    }
    drainReady(true, asyncBatches());
  }

  /**
   * Whether batches go to the inference thread ({@link AvSyncConfig#asyncBatches()}). Then the
   * stream thread ingests while the engine runs, and needs no rest after a batch.
   */
  private boolean asyncBatches() {
    return config.asyncBatches();
  }

  /**
   * CATCH_UP: whether the oldest ready pair has waited long enough for its batch to fill: {@value
   * #CATCH_UP_FILL_WAIT_BATCHES} measured batch times, at least 1 s. A steady trickle of records
   * whose frames become ready slowly (a live camera in catch-up mode) must not hold a partial batch
   * for ever.
   */
  private boolean oldestWaitedForFill(long now) {
    // The oldest entry not in flight: those in flight have left the queue but for their deletion.
    long wait =
        Math.max(CATCH_UP_MIN_FILL_WAIT_US, CATCH_UP_FILL_WAIT_BATCHES * Math.round(batchUsEwma));
    return ready.oldest(inFlightSeqs.size() + 1).stream()
        .filter(e -> !inFlightSeqs.contains(e.key))
        .findFirst()
        .map(e -> now - e.value.readyAtUs() >= wait)
        .orElse(false);
  }

  /**
   * REALTIME, synchronous batches: whether the stream thread has spent, since the last batch ended,
   * at least the measured time of a batch on other work (ingest), see {@link #lastBatchEndUs}.
   * CATCH_UP works off a backlog and keeps the thread on full batches.
   */
  private boolean engineRested(long now) {
    return config.mode() != SyncMode.REALTIME
        || lastBatchEndUs == Long.MIN_VALUE
        || now - lastBatchEndUs >= Math.round(batchUsEwma);
  }

  /** Expiry punctuator: flushes and forgets cameras idle for cameraIdleTimeout. */
  private void expireIdleCameras() {
    completeFinishedBatch();
    long now = now();
    List<String> idle = new ArrayList<>();
    try (KeyValueIterator<String, CameraState> it = cameras.all()) {
      while (it.hasNext()) {
        KeyValue<String, CameraState> kv = it.next();
        long lastSeen = Math.max(kv.value.lastSeenWallUs, startedAtUs);
        if (now - lastSeen >= config.cameraIdleTimeoutUs()) {
          idle.add(kv.key);
        }
      }
    }
    if (idle.isEmpty()) {
      return;
    }
    awaitBatchInFlight(); // an idle camera's frame may be in it
    for (String camera : idle) {
      CameraState st = cameras.get(camera);
      release(camera, st, now, true);
      cameras.put(camera, st);
    }
    drainAll();
    for (String camera : idle) {
      int leftover = frames.deleteCamera(camera);
      if (leftover > 0) {
        log.warn("camera {}: {} frames left at expiry", camera, leftover);
      }
      audio.deleteCamera(camera);
      cameras.delete(camera);
      resamplers.forget(camera);
      lastServedBatch.remove(camera);
      activeCameras--;
      metrics.activeCameras(-1);
      metrics.expired();
      log.info("camera {}: expired after {} µs idle", camera, config.cameraIdleTimeoutUs());
    }
  }

  private long now() {
    return wallClockUs != null ? wallClockUs.getAsLong() : context.currentSystemTimeMs() * 1000L;
  }
}
