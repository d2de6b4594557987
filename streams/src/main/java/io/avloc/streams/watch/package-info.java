/**
 * The heatmap viewer behind {@code avloc watch}: {@link io.avloc.streams.watch.HeatmapWatcher}
 * consumes the heatmap topic (and the frames topic for overlays), keeps {@link
 * io.avloc.streams.watch.LiveStats} per camera (rate, latest peak and scores, end-to-end latency
 * percentiles, partial-audio share, pointing accuracy against {@code gt-*} ground-truth headers),
 * and shows them as a console table ({@link io.avloc.streams.watch.ConsoleTable}), overlay PNGs
 * ({@link io.avloc.streams.watch.OverlayRenderer}) and a live web page.
 */
package io.avloc.streams.watch;
