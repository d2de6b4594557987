package io.avloc.modelserver.batch;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Gathers single requests into batches for a {@link BatchRunner}.
 *
 * <p>Requests wait in a bounded FIFO queue ({@link BatcherConfig#capacity()}). A worker takes up to
 * {@link BatcherConfig#maxBatchSize()} of them, waiting at most {@link
 * BatcherConfig#maxQueueDelay()} after the first one was queued for the batch to fill, runs the
 * batch function and completes the futures in submission order with the corresponding outputs. A
 * failing batch function fails every future of that batch with its exception; the batcher keeps
 * running.
 *
 * <p>When the queue is full, {@link OverloadPolicy#REJECT} fails the new request and {@link
 * OverloadPolicy#SHED_OLDEST} fails the oldest queued one, both with a {@link RejectedException}. A
 * request submitted with a timeout that is still queued when the timeout passes fails with {@link
 * RejectionReason#DEADLINE} and is never sent to the batch function.
 *
 * <p>{@link #close()} stops accepting requests, runs everything already queued and stops the
 * workers; {@link #close(Duration)} fails what is still queued when its timeout runs out.
 *
 * <p>Futures are completed on a worker thread: dependent stages without an executor run there and
 * delay the next batch, so keep them short or use the {@code ...Async} variants.
 *
 * <p>Meters: {@link BatcherMeters}, tagged with the batcher's name.
 *
 * @param <I> request type
 * @param <O> result type
 */
public final class DynamicBatcher<I, O> implements AutoCloseable {

  private static final long NO_DEADLINE = Long.MAX_VALUE;

  private final BatcherConfig config;
  private final BatchRunner<I, O> runner;
  private final long maxQueueDelayNanos;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final ArrayDeque<Request<I, O>> queue;
  private boolean closed;

  private final List<Thread> workers;
  private final ScheduledThreadPoolExecutor deadlines;

  private final BatcherMeters meters;

  /** A batcher whose meters go to a private {@link SimpleMeterRegistry}. */
  public DynamicBatcher(BatcherConfig config, BatchRunner<I, O> runner) {
    this(config, runner, new SimpleMeterRegistry());
  }

  public DynamicBatcher(BatcherConfig config, BatchRunner<I, O> runner, MeterRegistry registry) {
    this.config = Objects.requireNonNull(config, "config");
    this.runner = Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(registry, "registry");
    this.maxQueueDelayNanos = config.maxQueueDelay().toNanos();
    this.queue = new ArrayDeque<>(Math.min(config.capacity(), 4096));

    meters = new BatcherMeters(config.name(), config.maxBatchSize(), this::queueDepth);
    meters.bindTo(registry);

    deadlines =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "avloc-batcher-" + config.name() + "-deadlines");
              t.setDaemon(true);
              return t;
            });
    deadlines.setRemoveOnCancelPolicy(true);

    List<Thread> threads = new ArrayList<>(config.workers());
    for (int i = 0; i < config.workers(); i++) {
      Thread t = new Thread(this::workLoop, "avloc-batcher-" + config.name() + "-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    this.workers = List.copyOf(threads);
    workers.forEach(Thread::start);
  }

  /** The settings. */
  public BatcherConfig config() {
    return config;
  }

  /** Requests waiting in the queue now (not counting batches being run). */
  public int queueDepth() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #close()} or {@link #close(Duration)} was called. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues a request without deadline.
   *
   * @return its result; fails with {@link RejectedException} when the batcher does not run it, or
   *     with the batch function's exception
   */
  public CompletableFuture<O> submit(I input) {
    return enqueue(input, NO_DEADLINE, null);
  }

  /**
   * Queues a request that must start running within {@code timeout}; if it is still queued then, it
   * fails with {@link RejectionReason#DEADLINE} and is never run. A batch already started is not
   * interrupted.
   */
  public CompletableFuture<O> submit(I input, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long now = System.nanoTime();
    long nanos = saturatedNanos(timeout);
    if (nanos <= 0) {
      CompletableFuture<O> future = new CompletableFuture<>();
      reject(future, RejectionReason.DEADLINE, deadlineMessage(timeout));
      return future;
    }
    long deadline = now + nanos;
    if (deadline - now < 0 || deadline == NO_DEADLINE) {
      deadline = NO_DEADLINE; // too far to matter
    }
    return enqueue(input, deadline, timeout);
  }

  private CompletableFuture<O> enqueue(I input, long deadlineNanos, Duration timeout) {
    Request<I, O> request =
        new Request<>(input, new CompletableFuture<>(), System.nanoTime(), deadlineNanos);
    Request<I, O> shed = null;
    RejectionReason refusal = null;
    lock.lock();
    try {
      if (closed) {
        refusal = RejectionReason.SHUTDOWN;
      } else if (queue.size() >= config.capacity()) {
        if (config.overloadPolicy() == OverloadPolicy.REJECT) {
          refusal = RejectionReason.FULL;
        } else {
          shed = queue.pollFirst();
        }
      }
      if (refusal == null) {
        queue.addLast(request);
        int size = queue.size();
        // Wake a worker when the queue stops being empty or a full batch is ready; in between a
        // worker waiting for the batch to fill times out by itself.
        if (size == 1 || size == config.maxBatchSize()) {
          work.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
    if (refusal == RejectionReason.SHUTDOWN) {
      reject(
          request.future,
          refusal,
          "batcher '" + config.name() + "' is closed and accepts no new requests");
      return request.future;
    }
    if (refusal == RejectionReason.FULL) {
      reject(
          request.future,
          refusal,
          "batcher '"
              + config.name()
              + "' is overloaded: queue full ("
              + config.capacity()
              + " requests waiting), request rejected");
      return request.future;
    }
    if (shed != null) {
      shed.cancelDeadline();
      reject(
          shed.future,
          RejectionReason.SHED,
          "batcher '"
              + config.name()
              + "' is overloaded: queue full ("
              + config.capacity()
              + " requests waiting), the oldest request was shed for a newer one");
    }
    if (deadlineNanos != NO_DEADLINE) {
      long delay = deadlineNanos - System.nanoTime();
      request.deadlineTask =
          deadlines.schedule(
              () -> expire(request, timeout), Math.max(0, delay), TimeUnit.NANOSECONDS);
      if (request.future.isDone()) {
        request.cancelDeadline();
      }
    }
    return request.future;
  }

  private void expire(Request<I, O> request, Duration timeout) {
    boolean removed;
    lock.lock();
    try {
      removed = queue.remove(request);
    } finally {
      lock.unlock();
    }
    if (removed) {
      reject(request.future, RejectionReason.DEADLINE, deadlineMessage(timeout));
    }
    // not removed: already running or done, or not queued yet (then the worker checks it)
  }

  private String deadlineMessage(Duration timeout) {
    return "batcher '"
        + config.name()
        + "': the request's deadline ("
        + (timeout == null ? "?" : timeout.toMillis() + " ms")
        + ") passed while it was queued; it was not run";
  }

  /**
   * Fails a request the caller owns exclusively (a fresh one, or one just taken out of the queue
   * under the lock). The counter is incremented first, so whoever sees the failure sees it counted.
   */
  private void reject(CompletableFuture<O> future, RejectionReason reason, String message) {
    if (!future.isDone()) { // not cancelled by its caller
      meters.rejected(reason);
      future.completeExceptionally(new RejectedException(reason, message));
    }
  }

  private void workLoop() {
    List<Request<I, O>> batch = new ArrayList<>(config.maxBatchSize());
    List<Request<I, O>> expired = new ArrayList<>();
    List<I> inputs = new ArrayList<>(config.maxBatchSize());
    while (true) {
      lock.lock();
      try {
        if (!awaitBatch()) {
          return;
        }
        long now = System.nanoTime();
        while (batch.size() < config.maxBatchSize() && !queue.isEmpty()) {
          Request<I, O> r = queue.pollFirst();
          if (r.future.isDone()) {
            continue; // cancelled by the caller
          }
          if (r.deadlineNanos != NO_DEADLINE && now - r.deadlineNanos >= 0) {
            expired.add(r);
            continue;
          }
          batch.add(r);
        }
        if (!queue.isEmpty() && config.workers() > 1) {
          work.signal(); // more for another worker
        }
      } finally {
        lock.unlock();
      }
      for (Request<I, O> r : expired) {
        r.cancelDeadline();
        reject(r.future, RejectionReason.DEADLINE, deadlineMessage(r.timeout()));
      }
      expired.clear();
      if (!batch.isEmpty()) {
        runBatch(batch, inputs);
      }
      batch.clear();
      inputs.clear();
    }
  }

  /**
   * Waits, holding the lock, until a batch should be taken: the queue holds a full batch, the
   * oldest request has waited maxQueueDelay, or the batcher is closed with requests left.
   *
   * @return false when the worker should stop (closed and nothing queued)
   */
  private boolean awaitBatch() {
    while (true) {
      if (queue.isEmpty()) {
        if (closed) {
          return false;
        }
        work.awaitUninterruptibly();
        continue;
      }
      if (closed || queue.size() >= config.maxBatchSize()) {
        return true;
      }
      long wait = queue.peekFirst().enqueuedNanos + maxQueueDelayNanos - System.nanoTime();
      if (wait <= 0) {
        return true;
      }
      try {
        work.awaitNanos(wait);
      } catch (InterruptedException e) {
        // workers are never interrupted by the batcher; keep serving
      }
    }
  }

  private void runBatch(List<Request<I, O>> batch, List<I> inputs) {
    long start = System.nanoTime();
    for (Request<I, O> r : batch) {
      r.cancelDeadline();
      meters.queued(start - r.enqueuedNanos);
      inputs.add(r.input);
    }
    meters.batch(batch.size());
    List<O> outputs;
    try {
      outputs = runner.run(List.copyOf(inputs));
      if (outputs == null || outputs.size() != batch.size()) {
        throw new IllegalStateException(
            "batch function returned "
                + (outputs == null ? "null" : outputs.size() + " outputs")
                + " for "
                + batch.size()
                + " inputs");
      }
    } catch (Throwable t) {
      meters.batchFailed();
      for (Request<I, O> r : batch) {
        r.future.completeExceptionally(t);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).future.complete(outputs.get(i));
    }
  }

  /** Stops accepting requests, runs every queued request and waits for the workers to stop. */
  @Override
  public void close() {
    shutdown();
    boolean interrupted = false;
    for (Thread t : workers) {
      while (t.isAlive() && t != Thread.currentThread()) { // a completion callback may close
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    deadlines.shutdownNow();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops accepting requests and runs queued requests for at most {@code timeout}; what is still
   * queued then fails with {@link RejectionReason#SHUTDOWN}. A batch already running is not
   * interrupted and completes its requests when it finishes.
   *
   * @return true when everything queued ran and the workers stopped within the timeout
   */
  public boolean close(Duration timeout) throws InterruptedException {
    shutdown();
    long end = System.nanoTime() + saturatedNanos(timeout);
    for (Thread t : workers) {
      long left = end - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(t, left);
      }
    }
    List<Request<I, O>> remaining;
    lock.lock();
    try {
      remaining = new ArrayList<>(queue);
      queue.clear();
    } finally {
      lock.unlock();
    }
    for (Request<I, O> r : remaining) {
      r.cancelDeadline();
      reject(
          r.future,
          RejectionReason.SHUTDOWN,
          "batcher '"
              + config.name()
              + "' closed: its close timeout ("
              + timeout.toMillis()
              + " ms) ran out before this request ran");
    }
    deadlines.shutdownNow();
    return remaining.isEmpty() && workers.stream().noneMatch(Thread::isAlive);
  }

  private void shutdown() {
    lock.lock();
    try {
      closed = true;
      work.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static final class Request<I, O> {
    final I input;
    final CompletableFuture<O> future;
    final long enqueuedNanos;
    final long deadlineNanos;
    volatile ScheduledFuture<?> deadlineTask;

    Request(I input, CompletableFuture<O> future, long enqueuedNanos, long deadlineNanos) {
      this.input = input;
      this.future = future;
      this.enqueuedNanos = enqueuedNanos;
      this.deadlineNanos = deadlineNanos;
    }

    Duration timeout() {
      return deadlineNanos == NO_DEADLINE ? null : Duration.ofNanos(deadlineNanos - enqueuedNanos);
    }

    void cancelDeadline() {
      ScheduledFuture<?> task = deadlineTask;
      if (task != null) {
        task.cancel(false);
      }
    }
  }
}
