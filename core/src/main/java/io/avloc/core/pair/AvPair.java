package io.avloc.core.pair;

import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.media.VideoFrame;
import java.util.Objects;

/**
 * A frame and the audio around it, ready for the network: what the synchronizer pairs, what
 * embedded inference localizes, and what the {@code avloc.pairs} topic carries to the model servers
 * ({@link PairCodec}).
 *
 * @param camera camera id
 * @param frame the encoded frame (its {@code tsUs} is the capture time t)
 * @param audio mono samples at {@link #SAMPLE_RATE} Hz covering [t − window + lookahead, t +
 *     lookahead], zero where no audio arrived
 * @param audioStartUs start of the window, µs since the epoch
 * @param audioEndUs end of the window (exclusive), µs since the epoch
 * @param partial whether part of the window had no audio and was zero-filled
 * @param arrivedAtUs wall clock when the frame reached the synchronizer
 * @param readyAtUs wall clock when its audio was complete (or given up on) and it became ready
 */
public record AvPair(
    String camera,
    VideoFrame frame,
    float[] audio,
    long audioStartUs,
    long audioEndUs,
    boolean partial,
    long arrivedAtUs,
    long readyAtUs) {

  /** Audio is resampled to this rate before pairing (the network's input rate). */
  public static final int SAMPLE_RATE = AudioPreprocessor.SAMPLE_RATE;

  public AvPair {
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(audio, "audio");
  }

  public long frameTsUs() {
    return frame.tsUs();
  }
}
