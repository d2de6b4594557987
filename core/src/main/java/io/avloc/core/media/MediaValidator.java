package io.avloc.core.media;

import io.avloc.core.image.ImageDecodeException;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.ImageLimits;
import io.avloc.core.image.RgbImage;
import io.avloc.core.media.InvalidMediaException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Turns a raw media record (value bytes + headers) into a {@link VideoFrame} or {@link AudioChunk},
 * or rejects it with an {@link InvalidMediaException} that names the problem and the fix. This is
 * the single definition of what a valid record is; serdes and the ingest stage both use it.
 */
public final class MediaValidator {

  private final MediaLimits limits;

  public MediaValidator(MediaLimits limits) {
    this.limits = Objects.requireNonNull(limits);
  }

  public MediaValidator() {
    this(MediaLimits.DEFAULT);
  }

  public MediaLimits limits() {
    return limits;
  }

  /** Validates an {@code avloc.frames} record. */
  public VideoFrame frame(Headers headers, byte[] value) {
    long ts = timestamp(headers, "frame");
    ImageFormat format = ImageFormat.fromHeader(required(headers, AvlocHeaders.FORMAT, "frame"));
    if (value == null || value.length == 0) {
      throw new InvalidMediaException(
          Reason.EMPTY_PAYLOAD, "frame payload is empty; send the encoded JPEG or PNG bytes");
    }
    if (value.length > limits.maxFrameBytes()) {
      throw new InvalidMediaException(
          Reason.PAYLOAD_TOO_LARGE,
          "frame payload is "
              + value.length
              + " bytes, over the limit of "
              + limits.maxFrameBytes()
              + "; send smaller or more compressed frames, or raise the frame size limit");
    }
    ImageFormat sniffed = ImageFormat.sniff(value);
    if (sniffed == null) {
      throw new InvalidMediaException(
          Reason.UNDECODABLE_IMAGE,
          "frame payload ("
              + value.length
              + " bytes) starts with neither the JPEG nor the PNG signature; send encoded image"
              + " bytes, not raw pixels");
    }
    if (sniffed != format) {
      throw new InvalidMediaException(
          Reason.FORMAT_MISMATCH,
          "frame header 'format' says '"
              + format.headerValue()
              + "' but the bytes are "
              + sniffed.headerValue()
              + "; set the header to match the encoding");
    }
    if (limits.decodeImages()) {
      decode(value);
    }
    return new VideoFrame(ts, format, value);
  }

  /**
   * Validates an {@code avloc.frames} record as the streams app's ingest does: {@link #frame}, then
   * the image's header dimensions against the image limits ({@link #checkImage}), so an image bomb
   * is a dead letter before anything decodes it.
   */
  public VideoFrame checkedFrame(Headers headers, byte[] value) {
    VideoFrame frame = frame(headers, value);
    checkImage(value);
    return frame;
  }

  /**
   * The cheap image check, shared by the streams app's ingest and {@code avloc serve}'s {@code
   * /v1/localize}: reads the dimensions from the JPEG/PNG header, decoding no pixel, and refuses an
   * image over {@link ImageLimits#DEFAULT}, the limits inference decodes under ({@code
   * PreprocessingContract.imageLimits()}). A 13,000 × 13,000 PNG is refused in about a millisecond.
   *
   * @return the header
   * @throws InvalidMediaException {@link Reason#IMAGE_TOO_LARGE} over the limits, {@link
   *     Reason#UNDECODABLE_IMAGE} when the header cannot be read
   */
  public static ImageDecoder.Header checkImage(byte[] value) {
    ImageDecoder.Header header;
    try {
      header = ImageDecoder.probe(value);
      ImageLimits.DEFAULT.check(
          header.width(), header.height(), "frame payload (" + value.length + " bytes)");
    } catch (ImageDecodeException e) {
      throw new InvalidMediaException(
          e.problem() == ImageDecodeException.Problem.TOO_LARGE
              ? Reason.IMAGE_TOO_LARGE
              : Reason.UNDECODABLE_IMAGE,
          e.problem() == ImageDecodeException.Problem.TOO_LARGE
              ? e.getMessage()
              : "frame payload ("
                  + value.length
                  + " bytes) does not decode, its image header is unreadable: "
                  + e.getMessage());
    }
    return header;
  }

  /**
   * Decodes image bytes or rejects them as undecodable. This is the decoder inference uses ({@link
   * ImageDecoder}), so a frame that passes validation cannot fail to decode later.
   */
  public static RgbImage decode(byte[] value) {
    try {
      return ImageDecoder.decode(value);
    } catch (ImageDecodeException e) {
      throw new InvalidMediaException(
          Reason.UNDECODABLE_IMAGE,
          "frame payload ("
              + value.length
              + " bytes) does not decode as an image: "
              + e.getMessage()
              + "; the file is corrupt or truncated");
    }
  }

  /** Validates an {@code avloc.audio} record. */
  public AudioChunk audio(Headers headers, byte[] value) {
    long ts = timestamp(headers, "audio");
    String format = required(headers, AvlocHeaders.FORMAT, "audio");
    if (!AudioChunk.FORMAT.equals(format.trim())) {
      throw new InvalidMediaException(
          Reason.UNKNOWN_FORMAT,
          "audio header 'format' is '"
              + format
              + "'; only 'pcm_s16le' (signed 16-bit little-endian PCM) is accepted");
    }
    int rate = intHeader(headers, AvlocHeaders.SAMPLE_RATE, Reason.BAD_SAMPLE_RATE);
    if (rate < MediaLimits.MIN_SAMPLE_RATE || rate > MediaLimits.MAX_SAMPLE_RATE) {
      throw new InvalidMediaException(
          Reason.BAD_SAMPLE_RATE,
          "audio header 'sample-rate' is "
              + rate
              + "; it must be between "
              + MediaLimits.MIN_SAMPLE_RATE
              + " and "
              + MediaLimits.MAX_SAMPLE_RATE
              + " Hz");
    }
    int channels = intHeader(headers, AvlocHeaders.CHANNELS, Reason.BAD_CHANNELS);
    if (channels < MediaLimits.MIN_CHANNELS || channels > MediaLimits.MAX_CHANNELS) {
      throw new InvalidMediaException(
          Reason.BAD_CHANNELS,
          "audio header 'channels' is "
              + channels
              + "; it must be between "
              + MediaLimits.MIN_CHANNELS
              + " and "
              + MediaLimits.MAX_CHANNELS);
    }
    if (value == null || value.length == 0) {
      throw new InvalidMediaException(
          Reason.EMPTY_PAYLOAD, "audio payload is empty; send at least one sample per channel");
    }
    if (value.length > limits.maxAudioBytes()) {
      throw new InvalidMediaException(
          Reason.PAYLOAD_TOO_LARGE,
          "audio payload is "
              + value.length
              + " bytes, over the limit of "
              + limits.maxAudioBytes()
              + "; send shorter chunks (100 ms is typical)");
    }
    if (value.length % 2 != 0) {
      throw new InvalidMediaException(
          Reason.ODD_PCM_LENGTH,
          "audio payload has an odd byte count ("
              + value.length
              + "); pcm_s16le needs 2 bytes per sample");
    }
    if (value.length % (2 * channels) != 0) {
      throw new InvalidMediaException(
          Reason.MISALIGNED_PCM,
          "audio payload of "
              + value.length
              + " bytes is not a whole number of "
              + channels
              + "-channel frames ("
              + 2 * channels
              + " bytes each); check the 'channels' header");
    }
    return new AudioChunk(ts, rate, channels, value);
  }

  private static long timestamp(Headers headers, String what) {
    String raw = required(headers, AvlocHeaders.TS_US, what);
    long ts;
    try {
      ts = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new InvalidMediaException(
          Reason.BAD_TIMESTAMP,
          what
              + " header 'ts-us' is '"
              + abbreviate(raw)
              + "', not an integer; set it to microseconds since the epoch");
    }
    if (ts < 0) {
      throw new InvalidMediaException(
          Reason.BAD_TIMESTAMP,
          what + " header 'ts-us' is negative (" + ts + "); use microseconds since the epoch");
    }
    return ts;
  }

  private static int intHeader(Headers headers, String name, Reason reason) {
    String raw = required(headers, name, "audio");
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new InvalidMediaException(
          reason, "audio header '" + name + "' is '" + abbreviate(raw) + "', not an integer");
    }
  }

  private static String required(Headers headers, String name, String what) {
    Header h = headers == null ? null : headers.lastHeader(name);
    if (h == null || h.value() == null) {
      throw new InvalidMediaException(
          Reason.MISSING_HEADER,
          what + " record has no '" + name + "' header; " + HeaderHelp.forHeader(name));
    }
    return new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  private static final class HeaderHelp {
    static String forHeader(String name) {
      switch (name) {
        case AvlocHeaders.TS_US:
          return "set it to the capture time in microseconds since the epoch";
        case AvlocHeaders.FORMAT:
          return "set it to 'jpeg' or 'png' on frames and 'pcm_s16le' on audio";
        case AvlocHeaders.SAMPLE_RATE:
          return "set it to the sample rate in Hz, e.g. 16000";
        case AvlocHeaders.CHANNELS:
          return "set it to the channel count, e.g. 1";
        default:
          return "see the contracts in the README";
      }
    }
  }
}
