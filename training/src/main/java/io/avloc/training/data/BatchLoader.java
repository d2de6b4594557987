package io.avloc.training.data;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.audio.Spectrogram;
import io.avloc.core.image.RgbImage;
import io.avloc.core.image.TrainingAugmenter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches of one epoch, prepared by background threads while the consumer computes
 * (docs/methods.md §1, §4: the reference's shuffled, {@code drop_last} PyTorch {@code DataLoader}).
 *
 * <ul>
 *   <li><b>Order.</b> With {@code shuffle}, a permutation drawn from (seed, epoch); otherwise the
 *       samples' own order. The same seed and epoch give the same order.
 *   <li><b>Per-clip randomness.</b> The crop, the mirror and the spectrogram masks of the clip at
 *       position p of the epoch come from a generator derived from (seed, epoch, p) alone, so the
 *       batches are identical whatever the number of workers or the thread timing.
 *   <li><b>Content.</b> Each clip goes through the {@link SampleCache} (decoded, resized frame and
 *       log spectrogram), then: training: random S×S crop and mirror ({@link TrainingAugmenter}
 *       order of draws), ImageNet normalization; evaluation: normalization of the S×S frame. Then
 *       the optional {@link SpectrogramMasks}. Output layout: {@link TrainingBatch}, images (N, 3,
 *       S, S) and spectrograms (N, 1, 257, 200), float32, row-major.
 *   <li><b>Pipeline.</b> {@code workers} daemon threads take clips one at a time, in epoch order,
 *       and write them straight into their batch's arrays, so a batch is built by all workers at
 *       once. At most {@code prefetchBatches} batches beyond those handed out are in progress or
 *       ready; batches come out in order.
 *   <li><b>Errors.</b> A clip that cannot be loaded (missing or corrupt frame, unreadable audio,
 *       unsupported sample rate) fails the batch it belongs to: {@link #next()} throws a {@link
 *       DatasetException} naming the clip and the file when that batch is reached (the reference
 *       silently substitutes a random other clip; we do not hide broken data). The loader then
 *       stops.
 *   <li><b>Stopping.</b> {@link #close()} stops the workers, also in the middle of an epoch: they
 *       finish (or abandon) the clip in hand and exit; close waits for that.
 * </ul>
 *
 * <p>The consumer side ({@link #hasNext()}, {@link #next()}) is meant for one thread; {@link
 * #close()} may be called from any thread.
 */
public final class BatchLoader implements Iterator<TrainingBatch>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BatchLoader.class);
  private static final long CLOSE_WAIT_MS = 10_000;
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long ORDER_SALT = 0x5DEECE66DL;

  private static final int BINS = Spectrogram.FREQUENCY_BINS;
  private static final int FRAMES = AudioPreprocessor.FRAMES;

  private final List<Sample> samples;
  private final ClipComposer composer;
  private final LoaderConfig config;
  private final int epoch;
  private final SampleCache cache;
  private final TrainingAugmenter augmenter;
  private final int[] order;
  private final int batches;
  private final int total;
  private final int imageValues;
  private final int spectrogramValues;
  private final Batch[] slots;
  private final List<Thread> threads = new ArrayList<>();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock:
  private int claimed;
  private int handedOut;
  private boolean closed;
  private RuntimeException failure;

  private long waitNanos;

  /**
   * Starts loading the batches of {@code epoch} at once.
   *
   * @param samples the clips
   * @param cache the cache for this config's image size and mode, shared across epochs
   * @throws IllegalArgumentException if there are no samples, {@code dropLast} leaves no batch, or
   *     the cache was made for another image size or mode
   */
  public BatchLoader(List<Sample> samples, LoaderConfig config, int epoch, SampleCache cache) {
    this(List.copyOf(samples), null, samples.size(), config, epoch, cache);
  }

  /**
   * Starts loading the batches of {@code epoch}, composing its {@link ClipComposer#clipsPerEpoch()}
   * clips on the workers (a new composite for every index and epoch; the order, crops and masks are
   * drawn as for a dataset).
   *
   * @param cache only its preprocessing is used: composed clips are never cached
   */
  public BatchLoader(ClipComposer composer, LoaderConfig config, int epoch, SampleCache cache) {
    this(
        List.of(),
        Objects.requireNonNull(composer, "composer"),
        composer.clipsPerEpoch(),
        config,
        epoch,
        cache);
  }

  private BatchLoader(
      List<Sample> samples,
      ClipComposer composer,
      int n,
      LoaderConfig config,
      int epoch,
      SampleCache cache) {
    this.samples = samples;
    this.composer = composer;
    this.config = Objects.requireNonNull(config, "config");
    this.cache = Objects.requireNonNull(cache, "cache");
    this.epoch = epoch;
    if (n == 0) {
      throw new IllegalArgumentException("no clips to load");
    }
    if (cache.imageSize() != config.imageSize() || cache.augment() != config.augment()) {
      throw new IllegalArgumentException(
          "the sample cache holds "
              + (cache.augment() ? "training" : "evaluation")
              + " images of size "
              + cache.imageSize()
              + " but the loader makes "
              + (config.augment() ? "training" : "evaluation")
              + " images of size "
              + config.imageSize()
              + "; use one cache per image size and mode");
    }
    int b = config.batchSize();
    this.batches = config.dropLast() ? n / b : (n + b - 1) / b;
    if (batches == 0) {
      throw new IllegalArgumentException(
          n
              + " clips do not fill one batch of "
              + b
              + " and the last incomplete batch is dropped; use a batch size of at most "
              + n);
    }
    this.total = config.dropLast() ? batches * b : n;
    this.order = order(n, config.seed(), epoch, config.shuffle());
    this.augmenter =
        config.augment()
            ? new TrainingAugmenter(config.imageSize(), cache.preprocessing().normalizer())
            : null;
    this.imageValues = 3 * config.imageSize() * config.imageSize();
    this.spectrogramValues = BINS * FRAMES;
    this.slots = new Batch[batches];
    for (int w = 0; w < config.workers(); w++) {
      Thread t = new Thread(this::work, "avloc-loader-e" + epoch + "-" + w);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  /** The preprocessing contract of the batches (the cache's; serving and eval use the same). */
  public PreprocessingContract preprocessing() {
    return cache.preprocessing();
  }

  /** Number of batches this epoch. */
  public int batches() {
    return batches;
  }

  /** Total time the consumer has spent in {@link #next()} waiting for a batch, ns. */
  public long waitNanos() {
    return waitNanos;
  }

  /** Whether a batch is left; false once the loader is closed or has failed. */
  @Override
  public boolean hasNext() {
    lock.lock();
    try {
      return !closed && failure == null && handedOut < batches;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next batch, in order; waits until it is ready.
   *
   * @throws DatasetException if a clip of the batch could not be loaded (the loader is then closed)
   * @throws NoSuchElementException after the last batch
   * @throws IllegalStateException if the loader was closed, or the thread interrupted while waiting
   */
  @Override
  public TrainingBatch next() {
    long start = System.nanoTime();
    try {
      return config.workers() == 0 ? loadHere() : await();
    } finally {
      waitNanos += System.nanoTime() - start;
    }
  }

  private TrainingBatch await() {
    Batch batch;
    lock.lock();
    try {
      checkUsable();
      int index = handedOut;
      while (true) {
        batch = slots[index];
        if (batch != null && batch.done + batch.failed == batch.size) {
          failure = batch.error;
          break;
        }
        if (closed) {
          throw new IllegalStateException("the batch loader was closed");
        }
        try {
          changed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for batch " + index, e);
        }
      }
      if (failure == null) {
        slots[index] = null;
        handedOut++;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (failure != null) {
      close();
      throw failure;
    }
    return batch.toTrainingBatch();
  }

  /** Without workers: builds the next batch in the calling thread. */
  private TrainingBatch loadHere() {
    int index;
    lock.lock();
    try {
      checkUsable();
      index = handedOut;
    } finally {
      lock.unlock();
    }
    Batch batch = new Batch(batchSize(index));
    for (int i = 0; i < batch.size; i++) {
      try {
        load(index * config.batchSize() + i, batch);
      } catch (RuntimeException e) {
        lock.lock();
        try {
          failure = e;
        } finally {
          lock.unlock();
        }
        throw e;
      }
    }
    lock.lock();
    try {
      handedOut++;
    } finally {
      lock.unlock();
    }
    return batch.toTrainingBatch();
  }

  private void checkUsable() {
    if (failure != null) {
      throw new IllegalStateException("the batch loader failed: " + failure.getMessage(), failure);
    }
    if (closed) {
      throw new IllegalStateException("the batch loader was closed");
    }
    if (handedOut >= batches) {
      throw new NoSuchElementException("all " + batches + " batches of epoch " + epoch + " taken");
    }
  }

  /** A worker: claims clips in epoch order while there is room ahead of the consumer. */
  private void work() {
    while (true) {
      int position;
      Batch batch;
      lock.lock();
      try {
        while (!closed
            && claimed < total
            && claimed / config.batchSize() >= handedOut + config.prefetchBatches()) {
          changed.await();
        }
        if (closed || claimed >= total) {
          return;
        }
        position = claimed++;
        int index = position / config.batchSize();
        batch = slots[index];
        if (batch == null) {
          batch = new Batch(batchSize(index));
          slots[index] = batch;
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      RuntimeException error = null;
      try {
        load(position, batch);
      } catch (RuntimeException e) {
        error = e;
      } catch (Error e) {
        error = new DatasetException("batch loader worker failed: " + e, e);
      }
      lock.lock();
      try {
        if (closed) {
          return;
        }
        if (error != null) {
          batch.fail(position, error);
        } else {
          batch.done++;
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Loads the clip at {@code position} of the epoch into its place in {@code batch}. */
  private void load(int position, Batch batch) {
    int i = position % config.batchSize();
    String id;
    SampleCache.Clip clip;
    if (composer != null) {
      ComposedClip composed = composer.compose(epoch, order[position]);
      id = composed.id();
      clip = cache.prepare(composed);
    } else {
      Sample sample = samples.get(order[position]);
      id = sample.id();
      clip = cache.clip(sample);
    }
    SplittableRandom random = sampleRandom(config.seed(), epoch, position);
    batch.arrays();
    RgbImage image = clip.image();
    int size = config.imageSize();
    if (augmenter != null) {
      augmenter.apply(
          image,
          augmenter.sample(image.width(), image.height(), random),
          batch.images,
          i * imageValues);
    } else {
      cache
          .preprocessing()
          .normalizer()
          .toChw(image, 0, 0, size, size, false, batch.images, i * imageValues);
    }
    int offset = i * spectrogramValues;
    System.arraycopy(clip.spectrogram(), 0, batch.spectrograms, offset, spectrogramValues);
    if (config.spectrogramMasks()) {
      SpectrogramMasks.apply(batch.spectrograms, offset, BINS, FRAMES, random);
    }
    batch.ids[i] = id;
  }

  private int batchSize(int index) {
    return Math.min(config.batchSize(), total - index * config.batchSize());
  }

  /**
   * Stops the workers and waits (up to 10 s) for them to exit: idle ones leave at once, busy ones
   * after the clip in hand. Idempotent.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      Arrays.fill(slots, null);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
    for (Thread t : threads) {
      if (t == Thread.currentThread()) {
        continue;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (t.isAlive()) {
        LOG.warn("batch loader thread {} is still reading a clip after close", t.getName());
      }
    }
  }

  /** Worker threads still running (for tests). */
  int liveWorkers() {
    return (int) threads.stream().filter(Thread::isAlive).count();
  }

  /**
   * The epoch's order: position p holds sample {@code order[p]}. Fisher–Yates over a generator
   * seeded from (seed, epoch), or the identity.
   */
  static int[] order(int n, long seed, int epoch, boolean shuffle) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom random = new SplittableRandom(mix(mix(seed ^ ORDER_SALT) + GOLDEN * epoch));
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** The generator of the clip at {@code position} of {@code epoch}. */
  static SplittableRandom sampleRandom(long seed, int epoch, int position) {
    long h = mix(mix(seed) + GOLDEN * (epoch + 1L));
    return new SplittableRandom(mix(h + GOLDEN * (position + 1L)));
  }

  /** SplitMix64's finalizer: a bijective 64-bit mix. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** One batch being filled. The arrays are allocated by the first worker to need them. */
  private final class Batch {
    final int size;
    final String[] ids;
    float[] images;
    float[] spectrograms;
    // Guarded by the loader's lock:
    int done;
    int failed;
    RuntimeException error;
    int errorPosition = Integer.MAX_VALUE;

    Batch(int size) {
      this.size = size;
      this.ids = new String[size];
    }

    /** Allocates the arrays once, outside the loader's lock (they are large). */
    synchronized void arrays() {
      if (images == null) {
        images = new float[size * imageValues];
        spectrograms = new float[size * spectrogramValues];
      }
    }

    /**
     * Counts a failed clip and keeps the failure of the earliest one; the consumer waits for every
     * clip of the batch, so which error it reports does not depend on timing.
     */
    void fail(int position, RuntimeException e) {
      failed++;
      if (position < errorPosition) {
        errorPosition = position;
        error = e;
      }
    }

    synchronized TrainingBatch toTrainingBatch() {
      return new TrainingBatch(
          Arrays.asList(ids), images, spectrograms, config.imageSize(), BINS, FRAMES);
    }
  }
}
