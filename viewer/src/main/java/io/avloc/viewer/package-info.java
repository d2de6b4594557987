/**
 * The heatmap viewer behind {@code avloc watch}: {@link io.avloc.viewer.HeatmapWatcher} consumes
 * the heatmap topic (and the frames topic for overlays), keeps {@link io.avloc.viewer.LiveStats}
 * per camera (rate, latest peak and scores, end-to-end latency percentiles, partial-audio share,
 * pointing accuracy against {@code gt-*} ground-truth headers), and shows them as a console table
 * ({@link io.avloc.viewer.ConsoleTable}), overlay PNGs ({@link io.avloc.viewer.OverlayRenderer})
 * and a live web page.
 */
package io.avloc.viewer;
