package io.avloc.modelserver.registry;

import io.avloc.core.artifact.InvalidArtifactException;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.modelserver.engine.EngineAttempt;
import io.avloc.modelserver.engine.EngineSelection;
import io.avloc.modelserver.engine.Engines;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.modelserver.engine.ModelShape;
import io.avloc.modelserver.engine.NoEngineException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the newest good version of a model and swaps to a newer one while requests keep running.
 *
 * <p><b>Layout</b>: every subfolder of {@link RegistryConfig#modelsDir()} is one version, a model
 * artifact (manifest.json, model.onnx, model.params, ...). Versions are ordered by folder name,
 * numbers compared as numbers ({@code 9 < 10}, {@code 1.9 < 1.10}); folders whose name starts with
 * a dot are ignored, so a version can be written under {@code .incoming-7} and renamed to {@code 7}
 * in one step. Versions may also be announced on the {@code avloc.models} topic ({@link
 * ModelTopicWatcher}); they join the folder's versions in the same order.
 *
 * <p><b>What is served</b>: the newest version that loads. A version is tried once nothing in its
 * folder changed for {@link RegistryConfig#settleTime()} (a copy in progress is not a broken
 * version); it is verified ({@link ModelArtifact#load}: manifest, sha256 of every file, graph
 * shapes), checked to take the same inputs as the serving one, loaded on the first engine of {@link
 * RegistryConfig#engines()} that works and warmed up, all on the registry's own thread. Only then
 * does the serving reference switch, atomically. A refused version is logged with its reason,
 * counted in {@code avloc.model.load.failures{reason}} and not tried again until its files change;
 * the previous version keeps serving. Removing the serving version's folder (or withdrawing its
 * announcement) swaps back to the newest remaining one.
 *
 * <p><b>Leases</b>: callers run batches through a lease, {@code try (var lease =
 * registry.acquire()) { lease.run(...); }}. A swap never waits for leases and never fails one: a
 * lease taken before the switch finishes on the old engine, which is closed (off the request path)
 * once its last lease is released. Hold a lease for one batch, not longer: a retired engine stays
 * in memory while any lease on it is open. {@link Lease#modelId()} is the {@code name@version}
 * heatmap events carry.
 *
 * <p><b>Change detection</b>: a {@link FolderWatcher} on the folder and each version subfolder
 * wakes the registry; a rescan every {@link RegistryConfig#rescanInterval()} catches what the file
 * system did not report. Whether a folder has settled or changed since it was refused is read by
 * {@link VersionFolders}.
 *
 * <p>Meters: see {@link RegistryMeters}.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final RegistryConfig config;
  private final Path modelsDir;
  private final RegistryMeters meters;
  private final AtomicReference<Served> current = new AtomicReference<>();
  private final AtomicInteger loaded = new AtomicInteger();
  private final Map<String, Candidate> announced = new ConcurrentHashMap<>();
  private final BlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
  private final ExecutorService unloader;
  private final FolderWatcher folderWatcher;

  // Loader thread only.
  private final Map<String, String> refused = new HashMap<>();
  private final Map<String, String> lastReasons = new LinkedHashMap<>();

  private final Thread loader;
  private volatile boolean closed;

  private ModelRegistry(RegistryConfig config, MeterRegistry registry) throws IOException {
    this.config = config;
    this.modelsDir = config.modelsDir().toAbsolutePath().normalize();
    this.meters = RegistryMeters.boundTo(registry, config.engineOptions().maxBatch(), loaded::get);
    this.unloader = Executors.newSingleThreadExecutor(daemon("avloc-model-unload"));
    this.folderWatcher = new FolderWatcher(modelsDir, () -> wakeups.offer(Boolean.TRUE));
    this.loader = daemon("avloc-model-loader").newThread(this::loaderLoop);
  }

  /**
   * Opens the registry on {@link RegistryConfig#modelsDir()}: loads the newest version that loads
   * (waiting for a folder still being written to settle), then watches for newer ones.
   *
   * @throws IllegalArgumentException when the folder does not exist
   * @throws IllegalStateException when no version can be served, naming each version's reason
   */
  public static ModelRegistry open(RegistryConfig config, MeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    if (!Files.isDirectory(config.modelsDir())) {
      throw new IllegalArgumentException(
          "models folder "
              + config.modelsDir()
              + " does not exist; create it and put each model version in a subfolder");
    }
    ModelRegistry r;
    try {
      r = new ModelRegistry(config, registry);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch " + config.modelsDir() + ": " + e, e);
    }
    try {
      r.loadFirst();
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
    r.folderWatcher.start();
    r.loader.start();
    return r;
  }

  private void loadFirst() {
    // Wait for folders still being written, but not forever: one that keeps changing is skipped.
    long patience =
        System.nanoTime() + Math.max(10 * config.settleTime().toNanos(), 30_000_000_000L);
    while (true) {
      boolean impatient = System.nanoTime() - patience > 0;
      Scan scan = scan(impatient);
      if (current.get() != null) {
        return;
      }
      if (!scan.unsettled() || impatient) {
        break;
      }
      try {
        Thread.sleep(scan.waitMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    String reasons =
        lastReasons.isEmpty()
            ? "it holds no version subfolder"
            : lastReasons.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("; "));
    throw new IllegalStateException(
        "no model version in " + modelsDir + " can be served: " + reasons);
  }

  /**
   * A lease on the serving model for one batch; close it when the batch is done.
   *
   * @throws IllegalStateException when the registry is closed
   */
  public Lease acquire() {
    while (true) {
      Served s = current.get();
      if (s == null) {
        throw new IllegalStateException("model registry on " + modelsDir + " is closed");
      }
      if (s.tryAcquire()) {
        return new Lease(s);
      }
      // s was retired and unloaded between the read and the acquire: a newer one is current.
      Thread.onSpinWait();
    }
  }

  /** What is being served now; empty once closed. */
  public Optional<Serving> serving() {
    Served s = current.get();
    return s == null ? Optional.empty() : Optional.of(s.describe());
  }

  /** Whether a model is being served (for {@code /ready}). */
  public boolean ready() {
    return current.get() != null;
  }

  /** The settings. */
  public RegistryConfig config() {
    return config;
  }

  /**
   * Adds (or replaces) the version announced by {@code source}: {@code dir} holds the artifact of
   * {@code version}. It competes with the folder's versions by version order.
   */
  void announce(String source, String version, Path dir) {
    announced.put(source, new Candidate(version, dir.toAbsolutePath().normalize(), source));
    wakeups.offer(Boolean.TRUE);
  }

  /** Forgets what {@code source} announced. */
  void withdraw(String source) {
    if (announced.remove(source) != null) {
      wakeups.offer(Boolean.TRUE);
    }
  }

  /** The model being served. */
  public record Serving(
      String version, String modelId, String engine, Path dir, List<EngineAttempt> attempts) {}

  /** One batch's hold on a model version: the engine is not closed while the lease is open. */
  public static final class Lease implements AutoCloseable {
    private final Served served;
    private boolean released;

    private Lease(Served served) {
      this.served = served;
    }

    /** The engine; use it only while the lease is open. */
    public InferenceEngine engine() {
      return served.engine;
    }

    /** {@code name@version} of the model, from its manifest: what heatmap events carry. */
    public String modelId() {
      return served.engine.manifest().id();
    }

    /** The registry's version of the model (its folder name, or the announced version). */
    public String version() {
      return served.source.version();
    }

    /**
     * Runs a batch on the leased engine (see {@link InferenceEngine#run}) and records its latency
     * and size in {@code avloc.inference.latency} / {@code avloc.inference.batch.size}.
     */
    public InferenceEngine.Outputs run(float[] images, float[] spectrograms, int n, int frames) {
      if (released) {
        throw new IllegalStateException("the lease on " + modelId() + " is closed");
      }
      long t0 = System.nanoTime();
      InferenceEngine.Outputs out = served.engine.run(images, spectrograms, n, frames);
      served.meters.latency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      served.meters.batchSize.record(n);
      return out;
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        served.release();
      }
    }
  }

  /** A version that could be served: from the folder, or announced on the topic. */
  private record Candidate(String version, Path dir, String source) {
    String key() {
      return source + "|" + version + "|" + dir;
    }

    boolean fromFolder() {
      return source.equals("folder");
    }
  }

  private record Scan(long waitMillis, boolean unsettled) {}

  /** A loaded version and its lease count (−1 once unloaded). */
  private final class Served {
    final Candidate source;
    final InferenceEngine engine;
    final List<EngineAttempt> attempts;
    final RegistryMeters.ModelMeters meters;
    final AtomicInteger leases = new AtomicInteger();
    volatile boolean retired;

    Served(Candidate source, EngineSelection selection) {
      this.source = source;
      this.engine = selection.engine();
      this.attempts = selection.attempts();
      this.meters = ModelRegistry.this.meters.forModel(engine);
    }

    boolean tryAcquire() {
      while (true) {
        int c = leases.get();
        if (c < 0) {
          return false;
        }
        if (leases.compareAndSet(c, c + 1)) {
          return true;
        }
      }
    }

    void release() {
      if (leases.decrementAndGet() == 0 && retired && leases.compareAndSet(0, -1)) {
        unload(this);
      }
    }

    /** No new leases come from the registry; unload once the open ones are released. */
    void retire() {
      retired = true;
      meters.retired();
      if (leases.compareAndSet(0, -1)) {
        unload(this);
      }
    }

    Serving describe() {
      return new Serving(
          source.version(), engine.manifest().id(), engine.name(), source.dir(), attempts);
    }
  }

  private void unload(Served s) {
    Runnable task =
        () -> {
          try {
            s.engine.close();
            LOG.info(
                "unloaded model {} ({}) from {}",
                s.engine.manifest().id(),
                s.engine.name(),
                s.source.dir());
          } catch (RuntimeException e) {
            LOG.warn("closing model {} failed: {}", s.engine.manifest().id(), e.toString());
          } finally {
            s.meters.close();
            loaded.decrementAndGet();
          }
        };
    try {
      unloader.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // the registry is closed: unload on the releasing thread
    }
  }

  private void loaderLoop() {
    long rescan = config.rescanInterval().toMillis();
    while (!closed) {
      long wait = rescan;
      try {
        wait = scan(false).waitMillis();
      } catch (RuntimeException e) {
        LOG.error("scanning {} for model versions failed; retrying in {} ms", modelsDir, rescan, e);
      }
      try {
        wakeups.poll(wait, TimeUnit.MILLISECONDS);
        wakeups.clear();
      } catch (InterruptedException e) {
        return; // close()
      }
    }
  }

  /**
   * Tries the versions newer than the serving one, newest first, until one loads; a version older
   * than the serving one is only tried when the serving one's folder is gone (roll back). A version
   * still being written stops the scan (nothing older is loaded meanwhile), unless {@code
   * skipUnsettled}.
   */
  private Scan scan(boolean skipUnsettled) {
    long settle = config.settleTime().toMillis();
    long wait = config.rescanInterval().toMillis();
    boolean unsettled = false;
    Served cur = current.get();
    for (Candidate c : candidates()) {
      if (closed) {
        break;
      }
      if (cur != null && c.version().equals(cur.source.version())) {
        break; // nothing newer can be served
      }
      long quiet;
      String fingerprint;
      try {
        quiet = System.currentTimeMillis() - VersionFolders.lastChange(c.dir());
        fingerprint = VersionFolders.fingerprint(c.dir());
      } catch (IOException e) {
        if (!c.fromFolder() && !"absent".equals(refused.get(c.key()))) {
          refuse(
              c,
              cur,
              "absent",
              LoadFailure.MISSING_FILE,
              "the announced folder " + c.dir() + " cannot be read here: " + e);
        }
        continue; // a folder removed while scanning is simply gone
      }
      if (quiet < settle) {
        unsettled = true;
        wait = Math.min(wait, settle - quiet + 20);
        if (skipUnsettled) {
          continue;
        }
        break;
      }
      if (!Files.isRegularFile(c.dir().resolve(ModelArtifact.MANIFEST))) {
        // Not a model (yet): artifacts are written manifest last, so this is no failure.
        if (lastReasons.put(c.version(), "no manifest.json (yet)") == null) {
          LOG.info("model version folder {} has no manifest.json yet; waiting for it", c.dir());
        }
        continue;
      }
      if (fingerprint.equals(refused.get(c.key()))) {
        continue; // refused before and unchanged since
      }
      if (serve(c, cur, fingerprint)) {
        break;
      }
    }
    return new Scan(wait, unsettled);
  }

  /**
   * Folder versions and announced ones, newest first (a folder before an equal announcement). An
   * announced version being served stays a candidate when a newer announcement replaced it (until
   * that one loads), but not once its announcement is withdrawn.
   */
  private List<Candidate> candidates() {
    List<Candidate> all = new ArrayList<>(announced.values());
    Served cur = current.get();
    if (cur != null
        && !cur.source.fromFolder()
        && announced.containsKey(cur.source.source())
        && !all.contains(cur.source)) {
      all.add(cur.source);
    }
    try (Stream<Path> entries = Files.list(modelsDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(p)) {
          all.add(new Candidate(name, p, "folder"));
          folderWatcher.watch(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list model versions in {}: {}", modelsDir, e.toString());
    }
    all.sort(
        Comparator.comparing(Candidate::version, VersionOrder.INSTANCE.reversed())
            .thenComparing(c -> !c.fromFolder()));
    return all;
  }

  private boolean serve(Candidate c, Served cur, String fingerprint) {
    ModelArtifact artifact;
    try {
      artifact = ModelArtifact.load(c.dir());
      ModelShape next = ModelShape.of(artifact.manifest());
      if (cur != null && !next.equals(cur.engine.shape())) {
        return refuse(
            c,
            cur,
            fingerprint,
            LoadFailure.INCOMPATIBLE,
            "its shapes "
                + next
                + " differ from the serving model's "
                + cur.engine.shape()
                + "; callers feed the serving shape, so restart to change the network size");
      }
    } catch (InvalidArtifactException e) {
      return refuse(c, cur, fingerprint, classify(e), e.getMessage());
    }
    if (!artifact.manifest().version().equals(c.version())) {
      LOG.warn(
          "model version {} at {} holds a manifest of version {}; heatmaps will say {}",
          c.version(),
          c.dir(),
          artifact.manifest().version(),
          artifact.manifest().id());
    }
    EngineSelection selection;
    try {
      selection = Engines.load(artifact, config.engines(), config.engineOptions());
      meters.attempts(selection.attempts());
    } catch (NoEngineException e) {
      meters.attempts(e.attempts());
      return refuse(c, cur, fingerprint, LoadFailure.NO_ENGINE, e.getMessage());
    }
    Served next = new Served(c, selection);
    loaded.incrementAndGet();
    if (cur != null) {
      cur.meters.retired();
    }
    next.meters.serving();
    Served old = current.getAndSet(next);
    lastReasons.remove(c.version());
    if (closed) {
      // close() ran meanwhile and saw the old one; retire this one too
      if (current.compareAndSet(next, null)) {
        next.retire();
      }
    }
    if (old == null) {
      LOG.info(
          "serving model {} (version {}) on {} from {}",
          next.engine.manifest().id(),
          c.version(),
          next.engine.name(),
          c.dir());
    } else {
      meters.swapped();
      LOG.info(
          "swapped model {} on {} -> {} (version {}) on {}; the old one unloads when its {}"
              + " in-flight lease(s) finish",
          old.engine.manifest().id(),
          old.engine.name(),
          next.engine.manifest().id(),
          c.version(),
          next.engine.name(),
          Math.max(0, old.leases.get()));
      old.retire();
    }
    return true;
  }

  private boolean refuse(
      Candidate c, Served cur, String fingerprint, LoadFailure reason, String message) {
    refused.put(c.key(), fingerprint);
    lastReasons.put(c.version(), reason.tag() + ": " + message);
    meters.loadFailed(reason);
    if (cur != null) {
      meters.swapRefused();
    }
    LOG.warn(
        "model version {} at {} refused ({}): {}; {}",
        c.version(),
        c.dir(),
        reason.tag(),
        message,
        cur == null
            ? "trying older versions"
            : "still serving "
                + cur.engine.manifest().id()
                + " (version "
                + cur.source.version()
                + ")");
    return false;
  }

  /** The failure kind of an artifact that does not verify (core says which in its message). */
  static LoadFailure classify(InvalidArtifactException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("checksum mismatch")) {
      return LoadFailure.CHECKSUM;
    }
    if (m.contains(" is missing ")
        || m.contains("has no manifest.json")
        || m.contains("does not exist")) {
      return LoadFailure.MISSING_FILE;
    }
    return LoadFailure.INVALID_ARTIFACT;
  }

  /**
   * Stops watching and unloads the serving model once its open leases are released; later {@link
   * #acquire()} calls fail.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    folderWatcher.close();
    if (loader.isAlive()) {
      loader.interrupt();
      try {
        loader.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Served s = current.getAndSet(null);
    if (s != null) {
      s.retire();
    }
    meters.close();
    unloader.shutdown();
    try {
      unloader.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
