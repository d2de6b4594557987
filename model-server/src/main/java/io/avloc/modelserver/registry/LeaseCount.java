package io.avloc.modelserver.registry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open leases on one loaded version, and the moment it may be unloaded: once it is retired and
 * its last lease is released, {@code onLastRelease} runs exactly once, and no lease is granted
 * after that. The count is −1 once that happened, so a lease that races with the unload fails to
 * {@link #tryAcquire()} instead of getting a closed engine; the caller then reads the newer serving
 * version.
 */
final class LeaseCount {

  private final AtomicInteger leases = new AtomicInteger();
  private final Runnable onLastRelease;
  private volatile boolean retired;

  LeaseCount(Runnable onLastRelease) {
    this.onLastRelease = onLastRelease;
  }

  /** Takes a lease; false once the version was unloaded (or is being unloaded). */
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

  /** Gives a lease back; the last one of a retired version unloads it. */
  void release() {
    if (leases.decrementAndGet() == 0 && retired && leases.compareAndSet(0, -1)) {
      onLastRelease.run();
    }
  }

  /** No new leases come from the registry; unload once the open ones are released. */
  void retire() {
    retired = true;
    if (leases.compareAndSet(0, -1)) {
      onLastRelease.run();
    }
  }

  /** The leases open now (0 once unloaded). */
  int open() {
    return Math.max(0, leases.get());
  }
}
