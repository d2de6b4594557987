package io.avloc.modelserver.registry;

import io.avloc.modelserver.engine.EngineAttempt;
import io.avloc.modelserver.engine.EngineSelection;
import io.avloc.modelserver.engine.InferenceEngine;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded version: its engine, its meters and its leases. Retired when another version takes over
 * (or the registry closes); its engine is closed by the {@link Unloader} once its last lease is
 * released.
 */
final class ServedVersion {

  // The registry's log lines keep one logger name, whichever of its classes writes them.
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  final VersionCandidate source;
  final InferenceEngine engine;
  final List<EngineAttempt> attempts;
  final RegistryMeters.ModelMeters meters;
  final LeaseCount leases;

  /** Counts the engine as loaded in {@code unloader}, which closes it once it is unloaded. */
  ServedVersion(
      VersionCandidate source,
      EngineSelection selection,
      RegistryMeters meters,
      Unloader unloader) {
    this.source = source;
    this.engine = selection.engine();
    this.attempts = selection.attempts();
    this.meters = meters.forModel(engine);
    this.leases = new LeaseCount(() -> unloader.unload(this::close));
    unloader.loaded();
  }

  /** No new leases come from the registry; unload once the open ones are released. */
  void retire() {
    meters.retired();
    leases.retire();
  }

  ModelRegistry.Serving describe() {
    return new ModelRegistry.Serving(
        source.version(), engine.manifest().id(), engine.name(), source.dir(), attempts);
  }

  private void close() {
    try {
      engine.close();
      LOG.info(
          "unloaded model {} ({}) from {}", engine.manifest().id(), engine.name(), source.dir());
    } catch (RuntimeException e) {
      LOG.warn("closing model {} failed: {}", engine.manifest().id(), e.toString());
    } finally {
      meters.close();
    }
  }
}
