package io.avloc.modelserver.registry;

import io.avloc.modelserver.engine.EngineAttempt;
import io.avloc.modelserver.engine.InferenceEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p><b>Parts</b>: this class holds the serving reference, the swap, leases and the loader thread;
 * {@link VersionCatalog} lists the candidate versions, {@link VersionScanner} picks the one to try
 * and remembers refusals, {@link VersionLoader} verifies and loads it, {@link ServedVersion} and
 * its {@link LeaseCount} hold a loaded version until its last lease, and {@link Unloader} closes
 * retired engines.
 *
 * <p>Meters: see {@link RegistryMeters}.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final RegistryConfig config;
  private final Path modelsDir;
  private final RegistryMeters meters;
  private final AtomicReference<ServedVersion> current = new AtomicReference<>();
  private final BlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
  private final Unloader unloader = new Unloader();
  private final FolderWatcher folderWatcher;
  private final VersionCatalog catalog;

  // Loader thread only (the opening thread before the loader starts).
  private final VersionScanner scanner;

  private final Thread loader;
  private volatile boolean closed;

  private ModelRegistry(RegistryConfig config, MeterRegistry registry) throws IOException {
    this.config = config;
    this.modelsDir = config.modelsDir().toAbsolutePath().normalize();
    this.meters =
        RegistryMeters.boundTo(registry, config.engineOptions().maxBatch(), unloader::inMemory);
    this.folderWatcher = new FolderWatcher(modelsDir, this::wakeUp);
    this.catalog = new VersionCatalog(modelsDir, folderWatcher::watch, this::wakeUp);
    this.scanner =
        new VersionScanner(
            config,
            catalog,
            new VersionLoader(config, meters, unloader),
            meters,
            new VersionScanner.ServingSide() {
              @Override
              public ServedVersion current() {
                return current.get();
              }

              @Override
              public void swap(ServedVersion cur, ServedVersion next) {
                swapTo(cur, next);
              }

              @Override
              public boolean closed() {
                return closed;
              }
            });
    this.loader = new Thread(this::loaderLoop, "avloc-model-loader");
    loader.setDaemon(true);
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
      VersionScanner.Scan scan = scanner.scan(impatient);
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
    throw new IllegalStateException(
        "no model version in " + modelsDir + " can be served: " + scanner.reasons());
  }

  /**
   * A lease on the serving model for one batch; close it when the batch is done.
   *
   * @throws IllegalStateException when the registry is closed
   */
  public Lease acquire() {
    while (true) {
      ServedVersion s = current.get();
      if (s == null) {
        throw new IllegalStateException("model registry on " + modelsDir + " is closed");
      }
      if (s.leases.tryAcquire()) {
        return new Lease(s);
      }
      // s was retired and unloaded between the read and the acquire: a newer one is current.
      Thread.onSpinWait();
    }
  }

  /** What is being served now; empty once closed. */
  public Optional<Serving> serving() {
    ServedVersion s = current.get();
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
    catalog.announce(source, version, dir);
  }

  /** Forgets what {@code source} announced. */
  void withdraw(String source) {
    catalog.withdraw(source);
  }

  /** The model being served. */
  public record Serving(
      String version, String modelId, String engine, Path dir, List<EngineAttempt> attempts) {}

  /** One batch's hold on a model version: the engine is not closed while the lease is open. */
  public static final class Lease implements AutoCloseable {
    private final ServedVersion served;
    private boolean released;

    private Lease(ServedVersion served) {
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
        served.leases.release();
      }
    }
  }

  private void wakeUp() {
    wakeups.offer(Boolean.TRUE);
  }

  private void loaderLoop() {
    long rescan = config.rescanInterval().toMillis();
    while (!closed) {
      long wait = rescan;
      try {
        wait = scanner.scan(false).waitMillis();
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
   * The switch: {@code next} (loaded and warmed up) becomes the serving version atomically; {@code
   * cur}, which the scan saw serving, is retired and unloads once its in-flight leases finish.
   */
  private void swapTo(ServedVersion cur, ServedVersion next) {
    if (cur != null) {
      cur.meters.retired();
    }
    next.meters.serving();
    ServedVersion old = current.getAndSet(next);
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
          next.source.version(),
          next.engine.name(),
          next.source.dir());
    } else {
      meters.swapped();
      LOG.info(
          "swapped model {} on {} -> {} (version {}) on {}; the old one unloads when its {}"
              + " in-flight lease(s) finish",
          old.engine.manifest().id(),
          old.engine.name(),
          next.engine.manifest().id(),
          next.source.version(),
          next.engine.name(),
          old.leases.open());
      old.retire();
    }
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
    ServedVersion s = current.getAndSet(null);
    if (s != null) {
      s.retire();
    }
    meters.close();
    unloader.close();
  }
}
