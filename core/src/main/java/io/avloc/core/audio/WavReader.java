package io.avloc.core.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Decodes RIFF/WAVE bytes. Parsed by hand rather than through javax.sound so that every sample
 * format is read with the exact scale documented in {@link AudioDecoder}, and so that truncated
 * files written by streaming tools (data size 0 or 0xFFFFFFFF) still decode.
 */
final class WavReader {

  private static final int PCM = 1;
  private static final int IEEE_FLOAT = 3;
  private static final int EXTENSIBLE = 0xFFFE;

  /** int16 full scale, the papers' divisor. */
  private static final double INT16_MAX = 32767.0;

  private WavReader() {}

  static AudioClip decode(byte[] bytes, Path file) throws AudioDecodeException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int fmtAt = -1;
    long fmtSize = 0;
    int dataAt = -1;
    long dataSize = 0;
    long pos = 12;
    while (pos + 8 <= bytes.length && (fmtAt < 0 || dataAt < 0)) {
      String id = AudioDecoder.ascii(bytes, (int) pos, 4);
      long size = Integer.toUnsignedLong(buf.getInt((int) pos + 4));
      int body = (int) pos + 8;
      if (id.equals("fmt ")) {
        fmtAt = body;
        fmtSize = size;
      } else if (id.equals("data")) {
        dataAt = body;
        // Streaming writers leave the size at 0xFFFFFFFF; a cut file is shorter than declared.
        dataSize = Math.min(size, bytes.length - body);
      }
      pos = body + size + (size & 1); // chunks are padded to even length
    }
    if (fmtAt < 0 || fmtSize < 16 || fmtAt + fmtSize > bytes.length) {
      throw new AudioDecodeException(
          file,
          "the WAV file has no complete 'fmt ' chunk",
          "The file is corrupt or truncated; re-export it.");
    }
    if (dataAt < 0) {
      throw new AudioDecodeException(
          file,
          "the WAV file has no 'data' chunk",
          "The file is corrupt or truncated; re-export it.");
    }

    int tag = Short.toUnsignedInt(buf.getShort(fmtAt));
    int channels = Short.toUnsignedInt(buf.getShort(fmtAt + 2));
    long sampleRate = Integer.toUnsignedLong(buf.getInt(fmtAt + 4));
    int blockAlign = Short.toUnsignedInt(buf.getShort(fmtAt + 12));
    int bits = Short.toUnsignedInt(buf.getShort(fmtAt + 14));
    if (tag == EXTENSIBLE) {
      if (fmtSize < 40) {
        throw new AudioDecodeException(
            file,
            "the WAVE_FORMAT_EXTENSIBLE header is too short (" + fmtSize + " bytes, need 40)",
            "The file is corrupt; re-export it.");
      }
      tag = Short.toUnsignedInt(buf.getShort(fmtAt + 24)); // first two bytes of the sub-format GUID
    }
    if (channels == 0 || sampleRate == 0 || sampleRate > Integer.MAX_VALUE) {
      throw new AudioDecodeException(
          file,
          "the WAV header declares " + channels + " channels at " + sampleRate + " Hz",
          "The file is corrupt; re-export it.");
    }
    if (blockAlign == 0 || blockAlign % channels != 0) {
      throw new AudioDecodeException(
          file,
          "the WAV block size " + blockAlign + " is not a whole number of bytes per channel",
          "The file is corrupt; re-export it.");
    }
    // The container width decides the layout; a smaller bit depth is left-justified inside it.
    int width = blockAlign / channels;
    boolean supported =
        (tag == PCM && width >= 1 && width <= 4 && bits <= 8 * width)
            || (tag == IEEE_FLOAT && (width == 4 || width == 8) && bits == 8 * width);
    if (!supported) {
      throw new AudioDecodeException(
          file,
          "its WAV encoding is " + describe(tag, bits, width) + ", which is not supported",
          AudioDecoder.CONVERT);
    }

    int frames = (int) Math.min(Integer.MAX_VALUE, dataSize / blockAlign);
    float[] mono = new float[frames];
    double scale = scale(tag, width) / channels;
    buf.position(dataAt);
    for (int i = 0; i < frames; i++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        sum += readSample(buf, tag, width);
      }
      double v = sum * scale;
      if (!Double.isFinite(v)) {
        throw new AudioDecodeException(
            file,
            "sample " + i + " is " + v,
            "The file holds NaN or infinite float samples; fix the tool that wrote it.");
      }
      mono[i] = (float) v;
    }
    return new AudioClip(mono, (int) sampleRate);
  }

  /** Reads one sample as its raw value: signed integer (8-bit re-centred on 0) or float. */
  private static double readSample(ByteBuffer buf, int tag, int width) {
    if (tag == IEEE_FLOAT) {
      return width == 4 ? buf.getFloat() : buf.getDouble();
    }
    switch (width) {
      case 1:
        return (buf.get() & 0xff) - 128;
      case 2:
        return buf.getShort();
      case 3:
        int lo = buf.get() & 0xff;
        int mid = buf.get() & 0xff;
        int hi = buf.get(); // sign-extends
        return (hi << 16) | (mid << 8) | lo;
      default:
        return buf.getInt();
    }
  }

  /** Factor from the raw value to the papers' scale (see {@link AudioDecoder}). */
  private static double scale(int tag, int width) {
    if (tag == IEEE_FLOAT) {
      return 32768.0 / INT16_MAX;
    }
    // An n-bit integer is the 16-bit value times 2^(n-16).
    return Math.scalb(1.0, 16 - 8 * width) / INT16_MAX;
  }

  private static String describe(int tag, int bits, int width) {
    String name =
        switch (tag) {
          case PCM -> "PCM";
          case 2 -> "MS ADPCM";
          case IEEE_FLOAT -> "IEEE float";
          case 6 -> "A-law";
          case 7 -> "mu-law";
          case 0x11 -> "IMA ADPCM";
          case 0x50, 0x55 -> "MPEG audio";
          default -> String.format("format tag 0x%04x", tag);
        };
    return name + " " + bits + "-bit in " + width + "-byte samples";
  }
}
