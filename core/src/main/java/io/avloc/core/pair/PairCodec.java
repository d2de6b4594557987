package io.avloc.core.pair;

import io.avloc.core.audio.Spectrogram;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.InvalidMediaException;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.InvalidPairException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@code avloc.pairs} record format: the one definition of how an {@link AvPair} travels from
 * the streams application (distributed mode) to the model servers. Language-neutral and documented
 * in {@code docs/pairs.md}.
 *
 * <p>Key: the camera id (UTF-8). Value, a binary envelope, all integers little-endian:
 *
 * <pre>
 * offset  size  field
 * 0       4     magic "AVPR" (0x41 0x56 0x50 0x52)
 * 4       1     version, 1
 * 5       4     n: image length in bytes, unsigned 32-bit
 * 9       n     the frame: JPEG or PNG bytes exactly as on avloc.frames
 * 9 + n   rest  the audio window: PCM signed 16-bit little-endian, mono, 16 kHz (2 bytes/sample)
 * </pre>
 *
 * Headers: {@code ts-us}, {@code format}, {@code sample-rate} (16000), {@code audio-start-us},
 * {@code audio-end-us}, {@code partial}, optionally {@code arrived-at-us} and {@code ready-at-us}
 * ({@link PairHeaders}); the frame's other headers pass through.
 *
 * <p>Audio samples are written as {@code round(x · 32767)} and read as {@code s / 32767}: the
 * synchronizer stores audio as 16-bit PCM on that scale, so a pair survives the trip bit for bit
 * and the model servers see exactly the input embedded inference would.
 */
public final class PairCodec {

  /** The first four bytes of every pair value. */
  public static final byte[] MAGIC = {'A', 'V', 'P', 'R'};

  /** The envelope version this code writes and reads. */
  public static final int VERSION = 1;

  /** Bytes before the image: magic, version, image length. */
  public static final int PREFIX_BYTES = 9;

  private PairCodec() {}

  /** A header-aware serializer for the pairs topic; the key (camera id) is serialized apart. */
  public static Serializer<AvPair> serializer() {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String topic, AvPair pair) {
        throw new UnsupportedOperationException(
            "pair records carry their metadata in Kafka headers; use the headers-aware method");
      }

      @Override
      public byte[] serialize(String topic, Headers headers, AvPair pair) {
        return pair == null ? null : encode(pair, headers);
      }
    };
  }

  /**
   * Writes the pair's headers into {@code headers} (replacing old values) and returns the value.
   */
  public static byte[] encode(AvPair pair, Headers headers) {
    VideoFrame frame = pair.frame();
    byte[] pcm = AudioChunk.fromMono(pair.audioStartUs(), AvPair.SAMPLE_RATE, pair.audio()).pcm();
    byte[] image = frame.data();
    ByteBuffer b =
        ByteBuffer.allocate(PREFIX_BYTES + image.length + pcm.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) VERSION).putInt(image.length).put(image).put(pcm);
    put(headers, PairHeaders.TS_US, Long.toString(frame.tsUs()));
    put(headers, PairHeaders.FORMAT, frame.format().headerValue());
    put(headers, PairHeaders.SAMPLE_RATE, Integer.toString(AvPair.SAMPLE_RATE));
    put(headers, PairHeaders.AUDIO_START_US, Long.toString(pair.audioStartUs()));
    put(headers, PairHeaders.AUDIO_END_US, Long.toString(pair.audioEndUs()));
    put(headers, PairHeaders.PARTIAL, Boolean.toString(pair.partial()));
    put(headers, PairHeaders.ARRIVED_AT_US, Long.toString(pair.arrivedAtUs()));
    put(headers, PairHeaders.READY_AT_US, Long.toString(pair.readyAtUs()));
    return b.array();
  }

  /**
   * Reads a pair record, or rejects it saying what is wrong. The image is checked by its signature
   * only; whether it fully decodes is found out when it is preprocessed.
   *
   * @param key the record key (camera id, UTF-8)
   * @param nowUs stands in for {@code arrived-at-us} and {@code ready-at-us} when a producer did
   *     not set them
   * @throws InvalidPairException when the record breaks the contract
   */
  public static AvPair decode(byte[] key, Headers headers, byte[] value, long nowUs) {
    if (key == null || key.length == 0) {
      throw new InvalidPairException(
          Reason.MISSING_KEY, "pair record has no key; the key must be the camera id (UTF-8)");
    }
    String camera = new String(key, StandardCharsets.UTF_8);
    // The envelope first: a record that is not a pair at all should say so, not miss headers.
    checkEnvelope(value);
    long tsUs = longHeader(headers, PairHeaders.TS_US);
    if (tsUs < 0) {
      throw new InvalidPairException(
          Reason.BAD_HEADER,
          "pair header 'ts-us' is negative (" + tsUs + "); use microseconds since the epoch");
    }
    ImageFormat format = formatHeader(headers);
    checkSampleRate(headers);
    long startUs = longHeader(headers, PairHeaders.AUDIO_START_US);
    long endUs = longHeader(headers, PairHeaders.AUDIO_END_US);
    boolean partial = booleanHeader(headers, PairHeaders.PARTIAL);
    long arrivedAtUs = optionalLongHeader(headers, PairHeaders.ARRIVED_AT_US, nowUs);
    long readyAtUs = optionalLongHeader(headers, PairHeaders.READY_AT_US, nowUs);

    long imageBytes =
        ByteBuffer.wrap(value, 5, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    long audioBytes = value.length - PREFIX_BYTES - imageBytes;
    if (audioBytes < 0) {
      throw new InvalidPairException(
          Reason.TRUNCATED,
          "pair envelope says the image has "
              + imageBytes
              + " bytes but only "
              + (value.length - PREFIX_BYTES)
              + " follow the prefix; the record is truncated or the length is wrong");
    }
    byte[] image = image(value, imageBytes, format);
    checkAudioLength(audioBytes, startUs, endUs);
    byte[] pcm = Arrays.copyOfRange(value, value.length - (int) audioBytes, value.length);
    float[] audio = new AudioChunk(startUs, AvPair.SAMPLE_RATE, 1, pcm).monoSamples();
    return new AvPair(
        camera,
        new VideoFrame(tsUs, format, image),
        audio,
        startUs,
        endUs,
        partial,
        arrivedAtUs,
        readyAtUs);
  }

  /** The prefix: long enough, the magic bytes, a version this codec reads. */
  private static void checkEnvelope(byte[] value) {
    if (value == null || value.length < PREFIX_BYTES) {
      throw new InvalidPairException(
          Reason.NOT_A_PAIR,
          "pair value is "
              + (value == null ? "missing" : value.length + " bytes long")
              + "; it must be the envelope 'AVPR', version, image length, image, audio"
              + " (docs/pairs.md)");
    }
    if (!Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new InvalidPairException(
          Reason.NOT_A_PAIR,
          "pair value does not start with the magic bytes 'AVPR'; write the envelope of"
              + " docs/pairs.md, not a bare frame");
    }
    int version = value[4] & 0xff;
    if (version != VERSION) {
      throw new InvalidPairException(
          Reason.UNSUPPORTED_VERSION,
          "pair envelope version " + version + " is not supported; this server reads " + VERSION);
    }
  }

  private static ImageFormat formatHeader(Headers headers) {
    try {
      return ImageFormat.fromHeader(required(headers, PairHeaders.FORMAT));
    } catch (InvalidMediaException e) {
      throw new InvalidPairException(Reason.BAD_HEADER, "pair " + e.getMessage());
    }
  }

  private static void checkSampleRate(Headers headers) {
    long rate = longHeader(headers, PairHeaders.SAMPLE_RATE);
    if (rate != AvPair.SAMPLE_RATE) {
      throw new InvalidPairException(
          Reason.BAD_SAMPLE_RATE,
          "pair header 'sample-rate' is "
              + rate
              + "; pairs carry "
              + AvPair.SAMPLE_RATE
              + " Hz audio (the network's rate), resample before pairing");
    }
  }

  /** The envelope's image: present, and JPEG or PNG as the {@code format} header says. */
  private static byte[] image(byte[] value, long imageBytes, ImageFormat format) {
    if (imageBytes == 0) {
      throw new InvalidPairException(
          Reason.EMPTY_IMAGE, "pair envelope holds no image bytes; put the encoded frame in it");
    }
    byte[] image = Arrays.copyOfRange(value, PREFIX_BYTES, PREFIX_BYTES + (int) imageBytes);
    ImageFormat sniffed = ImageFormat.sniff(image);
    if (sniffed == null) {
      throw new InvalidPairException(
          Reason.UNDECODABLE_IMAGE,
          "pair image ("
              + imageBytes
              + " bytes) starts with neither the JPEG nor the PNG signature; put the encoded frame"
              + " in the envelope, not raw pixels");
    }
    if (sniffed != format) {
      throw new InvalidPairException(
          Reason.FORMAT_MISMATCH,
          "pair header 'format' says '"
              + format.headerValue()
              + "' but the image bytes are "
              + sniffed.headerValue());
    }
    return image;
  }

  /** Whole 16-bit samples, enough for one spectrogram segment, as many as the window spans. */
  private static void checkAudioLength(long audioBytes, long startUs, long endUs) {
    if (audioBytes % 2 != 0) {
      throw new InvalidPairException(
          Reason.ODD_PCM_LENGTH,
          "pair audio has an odd byte count (" + audioBytes + "); pcm_s16le needs 2 bytes/sample");
    }
    int samples = (int) (audioBytes / 2);
    if (samples < Spectrogram.SEGMENT) {
      throw new InvalidPairException(
          Reason.AUDIO_TOO_SHORT,
          "pair audio holds "
              + samples
              + " samples; the spectrogram needs at least "
              + Spectrogram.SEGMENT
              + " (the window is normally 3 s, 48000 samples)");
    }
    double expected = (endUs - startUs) * (double) AvPair.SAMPLE_RATE / 1e6;
    if (Math.abs(samples - expected) > 1) {
      throw new InvalidPairException(
          Reason.WINDOW_MISMATCH,
          "pair audio holds "
              + samples
              + " samples but its window ["
              + startUs
              + ", "
              + endUs
              + ") µs spans "
              + Math.round(expected)
              + " at 16 kHz; the headers and the audio disagree");
    }
  }

  private static String required(Headers headers, String name) {
    Header h = headers == null ? null : headers.lastHeader(name);
    if (h == null || h.value() == null) {
      throw new InvalidPairException(
          Reason.MISSING_HEADER,
          "pair record has no '" + name + "' header; see docs/pairs.md for the pair headers");
    }
    return new String(h.value(), StandardCharsets.UTF_8).trim();
  }

  private static long longHeader(Headers headers, String name) {
    return parseLong(name, required(headers, name));
  }

  private static long optionalLongHeader(Headers headers, String name, long absent) {
    Header h = headers == null ? null : headers.lastHeader(name);
    if (h == null || h.value() == null) {
      return absent;
    }
    return parseLong(name, new String(h.value(), StandardCharsets.UTF_8).trim());
  }

  private static long parseLong(String name, String raw) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new InvalidPairException(
          Reason.BAD_HEADER,
          "pair header '" + name + "' is '" + abbreviate(raw) + "', not an integer");
    }
  }

  private static boolean booleanHeader(Headers headers, String name) {
    String raw = required(headers, name).toLowerCase(Locale.ROOT);
    if (!raw.equals("true") && !raw.equals("false")) {
      throw new InvalidPairException(
          Reason.BAD_HEADER,
          "pair header '" + name + "' is '" + abbreviate(raw) + "'; use true or false");
    }
    return raw.equals("true");
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
