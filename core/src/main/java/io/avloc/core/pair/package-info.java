/**
 * The pair contract: {@link io.avloc.core.pair.AvPair} (a frame and the audio window around it) and
 * its record format on the {@code avloc.pairs} topic ({@link io.avloc.core.pair.PairCodec}, {@link
 * io.avloc.core.pair.PairHeaders}), which carries pairs from the streams application to the model
 * servers in distributed mode. See {@code docs/pairs.md}.
 */
package io.avloc.core.pair;
