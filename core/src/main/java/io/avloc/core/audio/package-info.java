/**
 * Audio preprocessing, the single implementation used for training and for serving (docs/methods.md
 * §1.1 and §9 "Spectrogram").
 *
 * <p>{@link io.avloc.core.audio.AudioDecoder} reads WAV and OGG/Vorbis into a mono {@link
 * io.avloc.core.audio.AudioClip}; {@link io.avloc.core.audio.Resampler} brings it to 16 kHz; {@link
 * io.avloc.core.audio.AudioWindows} cuts the 3 s window (centred offline, trailing when streaming);
 * {@link io.avloc.core.audio.Spectrogram} turns it into the (1, 257, T) log spectrogram. {@link
 * io.avloc.core.audio.AudioPreprocessor} chains them.
 *
 * <p>Deviations from docs/methods.md §1.1 are stated in the javadoc of the class that makes them
 * and listed in {@link io.avloc.core.audio.AudioPreprocessor}.
 */
package io.avloc.core.audio;
