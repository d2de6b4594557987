package io.avloc.modelserver.batch;

import java.util.List;

/**
 * The batch function behind a {@link DynamicBatcher}: runs one batch and returns exactly one output
 * per input, in input order.
 *
 * @param <I> request type
 * @param <O> result type
 */
@FunctionalInterface
public interface BatchRunner<I, O> {

  /**
   * Runs one batch.
   *
   * @param inputs between 1 and {@code maxBatchSize} inputs, in submission order
   * @return the outputs, {@code outputs.get(i)} for {@code inputs.get(i)}; same size as inputs
   * @throws Exception on failure, which fails every request of this batch (and only this batch)
   */
  List<O> run(List<I> inputs) throws Exception;
}
