/**
 * Camera feeds: sources of timestamped frames and audio chunks ({@link io.avloc.feed.CameraFeed})
 * and the {@link io.avloc.feed.FeedPublisher} that sends them to {@code avloc.frames} and {@code
 * avloc.audio} with the contract's headers (the README's contract table), behind the {@code avloc
 * feed} command.
 *
 * <ul>
 *   <li>{@link io.avloc.feed.SyntheticCamera}: a {@link io.avloc.feed.SyntheticScene} of moving
 *       cut-outs over a photo, one of them (or an off-screen source) sounding, with {@link
 *       io.avloc.core.media.GroundTruthHeaders} on every frame; {@link
 *       io.avloc.feed.SyntheticCameras} runs them in-process;
 *   <li>{@link io.avloc.feed.SlideshowCamera}: a folder of images and an audio file;
 *   <li>{@link io.avloc.feed.VideoCamera}: a video file or an RTSP stream through FFmpeg.
 * </ul>
 *
 * Audio is always published as 16 kHz mono s16le; timestamps are the feed's start time plus media
 * time, strictly increasing per camera, with contiguous audio chunks.
 */
package io.avloc.feed;
