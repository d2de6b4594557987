package io.avloc.modelserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeaseCountTest {

  private final AtomicInteger unloads = new AtomicInteger();
  private final LeaseCount leases = new LeaseCount(unloads::incrementAndGet);

  @Test
  void retiringAVersionWithoutOpenLeasesUnloadsItAtOnceAndGrantsNoMoreLeases() {
    leases.retire();

    assertThat(unloads).hasValue(1);
    assertThat(leases.tryAcquire()).isFalse();
    assertThat(leases.open()).isZero();
  }

  @Test
  void aRetiredVersionUnloadsWhenItsLastLeaseIsReleasedNotBefore() {
    assertThat(leases.tryAcquire()).isTrue();
    assertThat(leases.tryAcquire()).isTrue();

    leases.retire();
    assertThat(unloads).as("two leases are open").hasValue(0);
    assertThat(leases.open()).isEqualTo(2);

    leases.release();
    assertThat(unloads).as("one lease is open").hasValue(0);
    leases.release();
    assertThat(unloads).hasValue(1);
    assertThat(leases.tryAcquire()).isFalse();
  }

  @Test
  void releasingTheLastLeaseOfTheServingVersionDoesNotUnloadIt() {
    assertThat(leases.tryAcquire()).isTrue();
    leases.release();

    assertThat(unloads).hasValue(0);
    assertThat(leases.tryAcquire()).isTrue();
    assertThat(leases.open()).isEqualTo(1);
  }

  @Test
  void underConcurrentLeasesTheVersionUnloadsExactlyOnceAndNeverWhileALeaseIsOpen()
      throws Exception {
    AtomicBoolean unloaded = new AtomicBoolean();
    AtomicInteger unloadCalls = new AtomicInteger();
    LeaseCount count =
        new LeaseCount(
            () -> {
              unloadCalls.incrementAndGet();
              unloaded.set(true);
            });
    AtomicLong granted = new AtomicLong();
    AtomicInteger leasesOnAnUnloadedVersion = new AtomicInteger();
    List<Thread> callers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread caller =
          new Thread(
              () -> {
                while (count.tryAcquire()) {
                  if (unloaded.get()) {
                    leasesOnAnUnloadedVersion.incrementAndGet();
                  }
                  granted.incrementAndGet();
                  count.release();
                }
              },
              "caller-" + t);
      callers.add(caller);
      caller.start();
    }
    // Retire while the callers are taking and releasing leases.
    while (granted.get() < 10_000) {
      Thread.onSpinWait();
    }
    count.retire();
    for (Thread c : callers) {
      c.join();
    }

    assertThat(unloadCalls).hasValue(1);
    assertThat(leasesOnAnUnloadedVersion).hasValue(0);
    assertThat(count.tryAcquire()).isFalse();
  }
}
