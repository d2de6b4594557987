package io.avloc.core.audio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads an audio file into a mono {@link AudioClip} at the file's own sample rate.
 *
 * <p>Supported: WAV (RIFF/WAVE, little-endian; PCM integer 8/16/24/32-bit, IEEE float 32/64-bit,
 * plain or WAVE_FORMAT_EXTENSIBLE, any channel count) and OGG/Vorbis (through javax.sound with the
 * vorbisspi service provider on the class path). Everything else (MP3, AAC, FLAC, Opus, RF64, ...)
 * is rejected with an {@link AudioDecodeException} that tells the user to convert the file.
 *
 * <h2>Sample scale</h2>
 *
 * The papers decode every file with FFmpeg to signed 16-bit mono and divide by 32767
 * (docs/methods.md §1.1 step 1). 16-bit PCM is read exactly that way: {@code s / 32767}. The other
 * formats are mapped to the value that FFmpeg's conversion to int16 would give, divided by 32767,
 * but <em>without</em> the rounding to 16 bits, so that no resolution is thrown away:
 *
 * <ul>
 *   <li>8-bit (unsigned): {@code (u - 128) * 256 / 32767} (FFmpeg: {@code (u - 0x80) << 8});
 *   <li>24-bit: {@code s / (256 * 32767)} (FFmpeg: {@code s >> 8} in effect);
 *   <li>32-bit integer: {@code s / (65536 * 32767)} (FFmpeg: {@code s >> 16});
 *   <li>32/64-bit float: {@code x * 32768 / 32767} (FFmpeg: {@code lrint(x * 32768)}, clipped);
 *   <li>OGG/Vorbis: vorbisspi hands out {@code v = trunc(32767 * x)} for the decoder's float {@code
 *       x}; it is read as {@code v / 32767 * 32768 / 32767}, the float-WAV scale.
 * </ul>
 *
 * The difference from the papers is at most the int16 rounding step (1/32767), far below the
 * spectrogram's 1e-7 floor. Values beyond ±1 are kept; {@link AudioWindows} clips as the papers do.
 *
 * <h2>Channels</h2>
 *
 * Channels are averaged with equal weights into mono (for stereo this is what FFmpeg's downmix to
 * mono does; for more than two channels FFmpeg would weight the channels by layout and drop LFE:
 * this is a documented deviation). The average is taken in double precision before any rounding.
 *
 * <p>Thread-safe: a stateless utility.
 */
public final class AudioDecoder {

  private AudioDecoder() {}

  /**
   * Decodes a WAV or OGG/Vorbis file.
   *
   * @param file the audio file
   * @return its samples, mono, at the file's sample rate, at least one sample long
   * @throws AudioDecodeException if the file is missing or unreadable, is not WAV or OGG/Vorbis,
   *     uses an unsupported encoding, is corrupt, or holds no samples
   */
  public static AudioClip read(Path file) throws AudioDecodeException {
    return decode(readAll(file), file);
  }

  /**
   * Decodes the bytes of a WAV or OGG/Vorbis file held in memory (e.g. an upload).
   *
   * @param bytes the whole file
   * @param file what errors call the file, e.g. the name of the upload it came from
   * @throws AudioDecodeException as {@link #read(Path)}
   */
  public static AudioClip decode(byte[] bytes, Path file) throws AudioDecodeException {
    if (bytes.length == 0) {
      throw new AudioDecodeException(file, "the file is empty", "Check that it was fully written.");
    }
    String magic = ascii(bytes, 0, 4);
    AudioClip clip;
    if (magic.equals("RIFF") && ascii(bytes, 8, 4).equals("WAVE")) {
      clip = WavReader.decode(bytes, file);
    } else if (magic.equals("OggS")) {
      clip = OggVorbisReader.decode(bytes, file);
    } else {
      throw new AudioDecodeException(file, describeUnsupported(bytes), CONVERT);
    }
    if (clip.length() == 0) {
      throw new AudioDecodeException(
          file,
          "it contains no audio samples",
          "Check that the recording is not empty; avloc needs at least one sample.");
    }
    return clip;
  }

  static final String CONVERT =
      "avloc reads WAV (PCM or float) and OGG/Vorbis; convert the file first, e.g."
          + " ffmpeg -i INPUT -c:a pcm_s16le OUTPUT.wav";

  private static byte[] readAll(Path file) throws AudioDecodeException {
    if (Files.isDirectory(file)) {
      throw new AudioDecodeException(file, "it is a directory", "Pass an audio file.");
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new AudioDecodeException(
          file, "the file does not exist", "Check the path and the working directory.", e);
    } catch (AccessDeniedException e) {
      throw new AudioDecodeException(
          file, "permission denied", "Make the file readable by this process.", e);
    } catch (IOException e) {
      throw new AudioDecodeException(
          file, "it could not be read (" + e + ")", "Check the file and the disk.", e);
    }
  }

  /** Names what a file with these leading bytes most likely is. */
  private static String describeUnsupported(byte[] b) {
    String magic = ascii(b, 0, 4);
    if (magic.equals("RIFX")) {
      return "it is a big-endian (RIFX) WAV file, which is not supported";
    }
    if (magic.equals("RF64") || magic.equals("BW64")) {
      return "it is an RF64/BW64 (64-bit WAV) file, which is not supported";
    }
    if (magic.equals("RIFF")) {
      return "it is a RIFF file but not WAVE (form type '" + ascii(b, 8, 4) + "')";
    }
    if (magic.startsWith("ID3") || (isMpegSync(b, 0xE0, 0xE0) && !isMpegSync(b, 0xF6, 0xF0))) {
      return "it is an MP3 file, which is not supported";
    }
    if (isMpegSync(b, 0xF6, 0xF0)) {
      return "it is an AAC (ADTS) file, which is not supported";
    }
    if (magic.equals("fLaC")) {
      return "it is a FLAC file, which is not supported";
    }
    if (ascii(b, 4, 4).equals("ftyp")) {
      return "it is an MP4/M4A file, which is not supported";
    }
    if (magic.equals("FORM")) {
      return "it is an AIFF file, which is not supported";
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      hex.append(String.format("%02x", b[i] & 0xff));
    }
    return "it is not a WAV or OGG file (it starts with bytes 0x"
        + hex
        + ", not 'RIFF....WAVE' or 'OggS')";
  }

  private static boolean isMpegSync(byte[] b, int mask, int value) {
    return b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & mask) == value;
  }

  static String ascii(byte[] b, int from, int len) {
    if (from + len > b.length) {
      return "";
    }
    return new String(b, from, len, StandardCharsets.ISO_8859_1);
  }
}
