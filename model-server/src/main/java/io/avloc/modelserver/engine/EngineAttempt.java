package io.avloc.modelserver.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * One try to load a model (or, for {@link Engines#check}, just the engine) on one engine.
 *
 * @param kind the engine tried
 * @param ok whether it loaded (and passed warm-up)
 * @param reason why not, as the engine said it (empty when ok)
 * @param loadTime time spent on the try, warm-up included
 */
public record EngineAttempt(EngineKind kind, boolean ok, String reason, Duration loadTime) {

  public EngineAttempt {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(loadTime, "loadTime");
    reason = reason == null ? "" : reason;
    if (!ok && reason.isBlank()) {
      throw new IllegalArgumentException("a failed attempt needs a reason");
    }
  }

  static EngineAttempt succeeded(EngineKind kind, Duration loadTime) {
    return new EngineAttempt(kind, true, "", loadTime);
  }

  static EngineAttempt failed(EngineKind kind, String reason, Duration loadTime) {
    return new EngineAttempt(kind, false, reason, loadTime);
  }

  @Override
  public String toString() {
    return kind.id() + (ok ? ": ok" : ": " + reason);
  }
}
