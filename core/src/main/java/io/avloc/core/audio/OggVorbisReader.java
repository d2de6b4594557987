package io.avloc.core.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** Decodes OGG/Vorbis through javax.sound; the vorbisspi provider does the work. */
final class OggVorbisReader {

  /** Offset of the first packet in a first page with a single-segment table. */
  private static final int FIRST_PAGE_HEADER = 27;

  /** Page header flag of the last page of a logical stream. */
  private static final int END_OF_STREAM = 0x04;

  private OggVorbisReader() {}

  static AudioClip decode(byte[] bytes, Path file) throws AudioDecodeException {
    String codec = firstPacketCodec(bytes);
    if (!codec.equals("Vorbis")) {
      throw new AudioDecodeException(
          file, "it is an OGG file carrying " + codec + ", not Vorbis", AudioDecoder.CONVERT);
    }
    byte[] pcm;
    AudioFormat target;
    try (InputStream raw = new ByteArrayInputStream(bytes);
        AudioInputStream encoded = AudioSystem.getAudioInputStream(raw)) {
      AudioFormat source = encoded.getFormat();
      target =
          new AudioFormat(
              AudioFormat.Encoding.PCM_SIGNED,
              source.getSampleRate(),
              16,
              source.getChannels(),
              2 * source.getChannels(),
              source.getSampleRate(),
              false);
      try (AudioInputStream decoded = AudioSystem.getAudioInputStream(target, encoded)) {
        pcm = decoded.readAllBytes();
      }
    } catch (UnsupportedAudioFileException e) {
      throw new AudioDecodeException(
          file,
          "no javax.sound provider accepted this OGG/Vorbis stream",
          "Put vorbisspi (com.googlecode.soundlibs:vorbisspi) on the class path, or convert the file"
              + " to WAV.",
          e);
    } catch (IOException | RuntimeException e) {
      // jorbis reports corrupt streams with assorted runtime exceptions
      throw new AudioDecodeException(
          file,
          "the OGG/Vorbis stream is corrupt (" + e + ")",
          "Re-encode the file, or convert it to WAV.",
          e);
    }

    int channels = target.getChannels();
    float rate = target.getSampleRate();
    if (channels <= 0 || rate < 1 || rate != Math.rint(rate)) {
      throw new AudioDecodeException(
          file,
          "the Vorbis header declares " + channels + " channels at " + rate + " Hz",
          "Re-encode the file.");
    }
    int frames = pcm.length / (2 * channels);
    // vorbisspi returns whole decoded blocks; the granule position of the last page is the true
    // length (the end trimming that the Vorbis spec asks for and FFmpeg applies).
    long granule = lastGranulePosition(bytes);
    if (granule >= 0 && granule < frames) {
      frames = (int) granule;
    }
    float[] mono = new float[frames];
    // vorbisspi writes trunc(32767 x); undo its scale and apply FFmpeg's float-to-int16 scale.
    double scale = 32768.0 / (32767.0 * 32767.0) / channels;
    for (int i = 0, at = 0; i < frames; i++) {
      int sum = 0;
      for (int c = 0; c < channels; c++, at += 2) {
        sum += (short) ((pcm[at] & 0xff) | (pcm[at + 1] << 8));
      }
      mono[i] = (float) (sum * scale);
    }
    return new AudioClip(mono, Math.round(rate));
  }

  /**
   * Granule position of the end-of-stream page: for a Vorbis stream starting at 0, the number of
   * samples per channel. -1 if there is no such page (e.g. a truncated file).
   */
  static long lastGranulePosition(byte[] b) {
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int at = b.length - FIRST_PAGE_HEADER; at >= 0; at--) {
      boolean page =
          b[at] == 'O'
              && b[at + 1] == 'g'
              && b[at + 2] == 'g'
              && b[at + 3] == 'S'
              && b[at + 4] == 0;
      if (page && (b[at + 5] & END_OF_STREAM) != 0) {
        return buf.getLong(at + 6);
      }
    }
    return -1;
  }

  /** Names the codec of the first logical stream from its identification packet. */
  private static String firstPacketCodec(byte[] b) {
    if (b.length < FIRST_PAGE_HEADER) {
      return "a truncated page";
    }
    int segments = b[26] & 0xff;
    int at = FIRST_PAGE_HEADER + segments;
    if (startsWith(b, at, "\u0001vorbis")) {
      return "Vorbis";
    }
    if (startsWith(b, at, "OpusHead")) {
      return "Opus";
    }
    if (startsWith(b, at, "\u007fFLAC")) {
      return "FLAC";
    }
    if (startsWith(b, at, "Speex")) {
      return "Speex";
    }
    if (startsWith(b, at, "\u0080theora")) {
      return "Theora video";
    }
    return "an unknown codec";
  }

  private static boolean startsWith(byte[] b, int at, String prefix) {
    return AudioDecoder.ascii(b, at, prefix.length()).equals(prefix);
  }
}
