package io.avloc.modelserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class UnloaderTest {

  @Test
  void closesOffTheCallersThreadAndCountsTheEngineUntilItsCloseHasRun() throws Exception {
    try (Unloader unloader = new Unloader()) {
      unloader.loaded();
      unloader.loaded();
      assertThat(unloader.inMemory()).isEqualTo(2);

      CountDownLatch closing = new CountDownLatch(1);
      CountDownLatch mayFinish = new CountDownLatch(1);
      AtomicReference<String> closedOn = new AtomicReference<>();
      unloader.unload(
          () -> {
            closedOn.set(Thread.currentThread().getName());
            closing.countDown();
            await(mayFinish);
          });

      assertThat(closing.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(closedOn).hasValue("avloc-model-unload");
      assertThat(unloader.inMemory()).as("the engine is still being closed").isEqualTo(2);
      mayFinish.countDown();
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (unloader.inMemory() != 1 && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(unloader.inMemory()).isEqualTo(1);
    }
  }

  @Test
  void onceClosedItUnloadsOnTheReleasingThread() {
    Unloader unloader = new Unloader();
    unloader.loaded();
    unloader.close();

    AtomicReference<Thread> closedOn = new AtomicReference<>();
    unloader.unload(() -> closedOn.set(Thread.currentThread()));

    assertThat(closedOn).hasValue(Thread.currentThread());
    assertThat(unloader.inMemory()).isZero();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
