package io.avloc.modelserver.engine;

import java.util.List;
import java.util.stream.Collectors;

/** No configured engine could load a model; carries every engine's reason. */
public final class NoEngineException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<EngineAttempt> attempts;

  NoEngineException(String model, List<EngineAttempt> attempts) {
    super(
        "no configured engine could load "
            + model
            + ": "
            + attempts.stream().map(EngineAttempt::toString).collect(Collectors.joining("; "))
            + "; add an engine that works on this machine to the engine list ('avloc engines'"
            + " shows which do)");
    this.attempts = List.copyOf(attempts);
  }

  /** Each engine tried, with its reason. */
  public List<EngineAttempt> attempts() {
    return attempts;
  }
}
