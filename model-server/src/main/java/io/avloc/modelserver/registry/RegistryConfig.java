package io.avloc.modelserver.registry;

import io.avloc.modelserver.engine.EngineKind;
import io.avloc.modelserver.engine.EngineOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link ModelRegistry}.
 *
 * @param modelsDir the folder whose subfolders are the model versions (each a model artifact)
 * @param engines engine order, first that loads wins
 * @param engineOptions how engines are loaded (fp16, max batch, warm-up)
 * @param rescanInterval how often the folder is rescanned even without file-system events (some
 *     file systems, e.g. network mounts, deliver none)
 * @param settleTime a version folder is loaded only once nothing in it changed for this long, so a
 *     copy in progress is not mistaken for a broken version
 */
public record RegistryConfig(
    Path modelsDir,
    List<EngineKind> engines,
    EngineOptions engineOptions,
    Duration rescanInterval,
    Duration settleTime) {

  public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_SETTLE_TIME = Duration.ofSeconds(2);

  public RegistryConfig {
    Objects.requireNonNull(modelsDir, "modelsDir");
    engines = List.copyOf(engines);
    Objects.requireNonNull(engineOptions, "engineOptions");
    Objects.requireNonNull(rescanInterval, "rescanInterval");
    Objects.requireNonNull(settleTime, "settleTime");
    if (engines.isEmpty()) {
      throw new IllegalArgumentException("the engine list is empty");
    }
    if (rescanInterval.isNegative() || rescanInterval.isZero()) {
      throw new IllegalArgumentException("rescanInterval must be positive, got " + rescanInterval);
    }
    if (settleTime.isNegative()) {
      throw new IllegalArgumentException("settleTime must not be negative, got " + settleTime);
    }
  }

  /** The default engines, options, rescan interval and settle time for {@code modelsDir}. */
  public static RegistryConfig of(Path modelsDir) {
    return new RegistryConfig(
        modelsDir,
        EngineKind.DEFAULT_ORDER,
        EngineOptions.DEFAULTS,
        DEFAULT_RESCAN_INTERVAL,
        DEFAULT_SETTLE_TIME);
  }

  public RegistryConfig withEngines(List<EngineKind> order) {
    return new RegistryConfig(modelsDir, order, engineOptions, rescanInterval, settleTime);
  }

  public RegistryConfig withEngineOptions(EngineOptions options) {
    return new RegistryConfig(modelsDir, engines, options, rescanInterval, settleTime);
  }

  public RegistryConfig withRescanInterval(Duration interval) {
    return new RegistryConfig(modelsDir, engines, engineOptions, interval, settleTime);
  }

  public RegistryConfig withSettleTime(Duration settle) {
    return new RegistryConfig(modelsDir, engines, engineOptions, rescanInterval, settle);
  }
}
