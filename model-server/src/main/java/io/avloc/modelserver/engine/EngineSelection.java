package io.avloc.modelserver.engine;

import java.util.List;
import java.util.Objects;

/**
 * The engine a model was loaded on, and every try it took to get there (failed ones first, in the
 * configured order, then the one that loaded).
 */
public record EngineSelection(InferenceEngine engine, List<EngineAttempt> attempts) {

  public EngineSelection {
    Objects.requireNonNull(engine, "engine");
    attempts = List.copyOf(attempts);
  }
}
