package io.avloc.modelserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.Preset;
import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.engine.InferenceEngine;
import io.avloc.modelserver.engine.ModelShape;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  private static final Duration SETTLE = Duration.ofMillis(150);

  @TempDir static Path shared;
  private static ModelVersions versions;
  private static ModelShape shape;

  @TempDir Path tmp;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void export() throws Exception {
    Engine.getEngine("OnnxRuntime");
    versions = ModelVersions.export("reg", shared.resolve("base"));
    shape = ModelShape.of(versions.base.manifest());
  }

  /** A registry that only notices changes through file-system events (rescan: 10 minutes). */
  private static RegistryConfig config(Path models) {
    return RegistryConfig.of(models)
        .withEngineOptions(EngineOptions.DEFAULTS.withMaxBatch(2))
        .withSettleTime(SETTLE)
        .withRescanInterval(Duration.ofMinutes(10));
  }

  private Path models() throws Exception {
    return Files.createDirectories(tmp.resolve("models"));
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  private static InferenceEngine.Outputs run(ModelRegistry.Lease lease, int n, long seed) {
    return lease.run(
        random(n * shape.imageFloats(), seed),
        random(n * shape.spectrogramFloats(shape.frames()), seed + 1),
        n,
        shape.frames());
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  private static String version(ModelRegistry r) {
    return r.serving().map(ModelRegistry.Serving::version).orElse("none");
  }

  private double count(String name, String tag, String value) {
    return meters.get(name).tag(tag, value).counter().count();
  }

  private double loaded() {
    return meters.get(RegistryMeters.LOADED).gauge().value();
  }

  @Test
  void servesTheNewestVersionNumbersComparedAsNumbersAndIgnoresHiddenFolders() throws Exception {
    Path models = models();
    for (String v : List.of("2", "9", "10")) {
      versions.publish(models, v);
    }
    versions.publish(models, ".incoming-11");
    try (ModelRegistry registry = ModelRegistry.open(config(models), meters)) {
      ModelRegistry.Serving s = registry.serving().orElseThrow();
      assertThat(s.version()).isEqualTo("10");
      assertThat(s.modelId()).isEqualTo("reg@10");
      assertThat(s.engine()).isEqualTo("OnnxRuntime");
      assertThat(registry.ready()).isTrue();
      try (ModelRegistry.Lease lease = registry.acquire()) {
        assertThat(lease.modelId()).isEqualTo("reg@10");
        assertThat(run(lease, 2, 1).n()).isEqualTo(2);
      }
      assertThat(meters.get(RegistryMeters.SERVING).tag("model", "reg@10").gauge().value())
          .isEqualTo(1.0);
      assertThat(
              meters
                  .get(io.avloc.modelserver.meters.InferenceMeters.ENGINE_LATENCY)
                  .tags("model", "reg@10", "engine", "OnnxRuntime")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(count(RegistryMeters.SWAPS, "result", "success")).isZero();
    }
  }

  @Test
  void noCallFailsWhileThreeNewVersionsArePublishedUnderLoad() throws Exception {
    Path models = models();
    versions.publish(models, "1");
    float[][] images = {random(shape.imageFloats(), 1), random(2 * shape.imageFloats(), 2)};
    int specFloats = shape.spectrogramFloats(shape.frames());
    float[][] specs = {random(specFloats, 3), random(2 * specFloats, 4)};

    try (ModelRegistry registry = ModelRegistry.open(config(models), meters)) {
      Set<String> seen = ConcurrentHashMap.newKeySet();
      Set<InferenceEngine> engines =
          Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      AtomicLong calls = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> callers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int n = 1 + t % 2;
        Thread caller =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    try (ModelRegistry.Lease lease = registry.acquire()) {
                      engines.add(lease.engine());
                      InferenceEngine.Outputs out =
                          lease.run(images[n - 1], specs[n - 1], n, shape.frames());
                      if (out.n() != n || out.simmap().length != n * shape.mapFloats()) {
                        throw new AssertionError("wrong output size from " + lease.modelId());
                      }
                      seen.add(lease.modelId());
                      calls.incrementAndGet();
                    } catch (Throwable e) {
                      errors.add(e);
                    }
                  }
                },
                "caller-" + t);
        callers.add(caller);
        caller.start();
      }

      Set<String> wereCurrent = new LinkedHashSet<>();
      wereCurrent.add(registry.serving().orElseThrow().modelId());
      try {
        await("calls reach reg@1", () -> seen.contains("reg@1"));
        for (String v : List.of("2", "3", "4")) {
          versions.publish(models, v); // a plain copy into the new folder, as an operator would
          await("version " + v + " serves", () -> version(registry).equals(v));
          wereCurrent.add(registry.serving().orElseThrow().modelId());
          await("calls reach reg@" + v, () -> seen.contains("reg@" + v));
        }
      } finally {
        stop.set(true);
        for (Thread c : callers) {
          c.join();
        }
      }

      assertThat(errors).as("failed calls").isEmpty();
      assertThat(calls.get()).isGreaterThan(8);
      assertThat(wereCurrent).containsExactly("reg@1", "reg@2", "reg@3", "reg@4");
      assertThat(seen).containsExactlyInAnyOrderElementsOf(wereCurrent);
      assertThat(count(RegistryMeters.SWAPS, "result", "success")).isEqualTo(3);
      assertThat(count(RegistryMeters.SWAPS, "result", "failure")).isZero();

      await("the old engines unload", () -> loaded() == 1.0);
      InferenceEngine serving;
      try (ModelRegistry.Lease lease = registry.acquire()) {
        serving = lease.engine();
      }
      assertThat(engines).hasSize(4).contains(serving);
      for (InferenceEngine old : engines) {
        if (old != serving) {
          assertThatThrownBy(() -> old.run(images[0], specs[0], 1, shape.frames()))
              .as("%s is closed", old)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageEndingWith("is closed");
        }
      }
      assertThat(
              meters
                  .find(io.avloc.modelserver.meters.InferenceMeters.ENGINE_LATENCY)
                  .tag("model", "reg@1")
                  .timer())
          .as("an unloaded model's meters are removed")
          .isNull();
    }
  }

  @Test
  void aLeaseTakenBeforeASwapFinishesOnTheOldEngineWhichUnloadsWhenItIsReleased() throws Exception {
    Path models = models();
    versions.publish(models, "1");
    try (ModelRegistry registry = ModelRegistry.open(config(models), meters)) {
      ModelRegistry.Lease held = registry.acquire();
      versions.publish(models, "2");
      await("version 2 serves", () -> version(registry).equals("2"));

      assertThat(held.modelId()).isEqualTo("reg@1");
      assertThat(run(held, 1, 7).n()).as("the old engine still runs").isEqualTo(1);
      try (ModelRegistry.Lease fresh = registry.acquire()) {
        assertThat(fresh.modelId()).isEqualTo("reg@2");
      }
      Thread.sleep(200);
      assertThat(loaded()).as("the old engine waits for its lease").isEqualTo(2.0);

      InferenceEngine old = held.engine();
      held.close();
      await("the old engine unloads", () -> loaded() == 1.0);
      assertThatThrownBy(() -> old.run(new float[0], new float[0], 1, 1))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> run(held, 1, 1)).hasMessage("the lease on reg@1 is closed");
    }
  }

  @Test
  void brokenVersionsAreRefusedWithTheirReasonOnceWhileTheOldModelKeepsServing() throws Exception {
    Path models = models();
    versions.publish(models, "1");
    try (ModelRegistry registry = ModelRegistry.open(config(models), meters)) {
      Path tampered = Files.createDirectories(tmp.resolve("staging"));
      versions.publish(tampered, "2");
      byte[] params = Files.readAllBytes(tampered.resolve("2/model.params"));
      params[params.length / 2] ^= 1;
      Files.write(tampered.resolve("2/model.params"), params);
      Files.move(tampered.resolve("2"), models.resolve("2"), StandardCopyOption.ATOMIC_MOVE);
      await(
          "the checksum failure is counted",
          () -> count(RegistryMeters.LOAD_FAILURES, "reason", "checksum") == 1);

      versions.publish(tampered, "3");
      Files.delete(tampered.resolve("3/model-b8.onnx"));
      Files.move(tampered.resolve("3"), models.resolve("3"), StandardCopyOption.ATOMIC_MOVE);
      await(
          "the missing file is counted",
          () -> count(RegistryMeters.LOAD_FAILURES, "reason", "missing-file") == 1);

      assertThat(version(registry)).isEqualTo("1");
      try (ModelRegistry.Lease lease = registry.acquire()) {
        assertThat(lease.modelId()).isEqualTo("reg@1");
        assertThat(run(lease, 1, 3).n()).isEqualTo(1);
      }
      assertThat(count(RegistryMeters.SWAPS, "result", "failure")).isEqualTo(2);

      // An unrelated change wakes the registry: the refused versions are not tried again.
      Files.createDirectories(models.resolve(".scratch"));
      Thread.sleep(SETTLE.toMillis() * 4);
      assertThat(count(RegistryMeters.LOAD_FAILURES, "reason", "checksum")).isEqualTo(1);
      assertThat(count(RegistryMeters.LOAD_FAILURES, "reason", "missing-file")).isEqualTo(1);

      versions.publish(models, "4");
      await("version 4 serves", () -> version(registry).equals("4"));
      assertThat(count(RegistryMeters.SWAPS, "result", "success")).isEqualTo(1);
    }
  }

  @Test
  void aVersionWithOtherInputSizesIsRefusedAsIncompatible() throws Exception {
    Path models = models();
    versions.publish(models, "1");
    AvLocalizerConfig lite = Preset.LITE.config();
    AvLocalizerConfig smaller =
        new AvLocalizerConfig(
            "lite",
            128,
            lite.visualWidths(),
            lite.audioWidths(),
            lite.embeddingDim(),
            lite.tau(),
            lite.visualDropout(),
            lite.frequencyBins(),
            lite.frames());
    Path staging = tmp.resolve("small");
    try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
      AvLocalizer net = new AvLocalizer(smaller);
      net.initialize(m, DataType.FLOAT32, smaller.inputShapes(1));
      ModelExporter.export(net, ModelExporter.Description.untrained("reg", "2", 1), staging);
    }
    try (ModelRegistry registry = ModelRegistry.open(config(models), meters)) {
      Files.move(staging, models.resolve("2"), StandardCopyOption.ATOMIC_MOVE);
      await(
          "the incompatible version is refused",
          () -> count(RegistryMeters.LOAD_FAILURES, "reason", "incompatible") == 1);
      assertThat(version(registry)).isEqualTo("1");
    }
  }

  @Test
  void removingTheNewestVersionRollsBackToThePreviousOne() throws Exception {
    Path models = models();
    versions.publish(models, "1");
    versions.publish(models, "2");
    try (ModelRegistry registry = ModelRegistry.open(config(models), meters)) {
      assertThat(version(registry)).isEqualTo("2");
      for (String f : versions.base.manifest().files().keySet()) {
        Files.delete(models.resolve("2").resolve(f));
      }
      Files.delete(models.resolve("2/manifest.json"));
      Files.delete(models.resolve("2"));
      await("version 1 serves again", () -> version(registry).equals("1"));
      assertThat(count(RegistryMeters.SWAPS, "result", "success")).isEqualTo(1);
    }
  }

  @Test
  void aVersionStillBeingCopiedIsWaitedForNotRefused() throws Exception {
    Path models = models();
    versions.publish(models, "1");
    RegistryConfig slowSettle = config(models).withSettleTime(Duration.ofSeconds(1));
    try (ModelRegistry registry = ModelRegistry.open(slowSettle, meters)) {
      Path target = Files.createDirectories(models.resolve("2"));
      List<String> files = new ArrayList<>(versions.base.manifest().files().keySet());
      // The manifest first, the files one by one: an incomplete folder for a while.
      Files.copy(versions.base.dir().resolve("manifest.json"), target.resolve("manifest.json"));
      for (String f : files) {
        Thread.sleep(100);
        Files.copy(versions.base.dir().resolve(f), target.resolve(f));
      }
      await("version 2 serves", () -> version(registry).equals("2"));
      double failures =
          meters.get(RegistryMeters.LOAD_FAILURES).counters().stream()
              .mapToDouble(c -> c.count())
              .sum();
      assertThat(failures).isZero();
    }
  }

  @Test
  void openFailsNamingEachVersionsReasonWhenNothingCanBeServed() throws Exception {
    Path models = models();
    versions.publish(models, "1");
    Files.delete(models.resolve("1/model.params"));
    Files.createDirectories(models.resolve("2"));
    assertThatThrownBy(() -> ModelRegistry.open(config(models), meters))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no model version in " + models.toAbsolutePath() + " can be served")
        .hasMessageContaining("2: no manifest.json (yet)")
        .hasMessageContaining("1: missing-file: model artifact")
        .hasMessageContaining("is missing model.params");
    assertThat(count(RegistryMeters.LOAD_FAILURES, "reason", "missing-file"))
        .as("a folder without manifest is not a model yet, not a failure")
        .isEqualTo(1);

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> ModelRegistry.open(config(empty), meters))
        .hasMessageEndingWith("can be served: it holds no version subfolder");
    assertThatThrownBy(() -> ModelRegistry.open(config(tmp.resolve("nope")), meters))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void aClosedRegistryRefusesLeasesAndUnloadsItsModel() throws Exception {
    Path models = models();
    versions.publish(models, "1");
    ModelRegistry registry = ModelRegistry.open(config(models), meters);
    InferenceEngine engine;
    try (ModelRegistry.Lease lease = registry.acquire()) {
      engine = lease.engine();
    }
    registry.close();
    assertThat(registry.ready()).isFalse();
    assertThat(meters.find(RegistryMeters.LOADED).gauge())
        .as("the closed registry's gauge is removed")
        .isNull();
    assertThatThrownBy(registry::acquire).hasMessageEndingWith("is closed");
    assertThatThrownBy(() -> engine.run(new float[0], new float[0], 1, 1))
        .isInstanceOf(IllegalStateException.class);
    assertThat(ModelArtifact.load(models.resolve("1")).manifest().id()).isEqualTo("reg@1");
  }
}
