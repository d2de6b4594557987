/**
 * The inference runtime: DJL engines with ordered fallback ({@code engine}), the dynamic batcher
 * ({@code batch}), the model registry with hot swap ({@code registry}), the pair inference shared
 * by the embedded and the distributed pipeline, and {@code avloc serve} ({@code serve}).
 */
package io.avloc.modelserver;
