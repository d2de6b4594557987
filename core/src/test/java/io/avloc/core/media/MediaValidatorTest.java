package io.avloc.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.media.InvalidMediaException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MediaValidatorTest {

  private final MediaValidator validator = new MediaValidator();
  private static final byte[] JPEG = TestImages.encoded("jpeg", 32, 24);
  private static final byte[] PNG = TestImages.encoded("png", 32, 24);

  private static Headers headers(String... kv) {
    RecordHeaders h = new RecordHeaders();
    for (int i = 0; i < kv.length; i += 2) {
      h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return h;
  }

  private static Headers frameHeaders(String ts, String format) {
    return headers("ts-us", ts, "format", format);
  }

  private static Headers audioHeaders(String rate, String channels) {
    return headers(
        "ts-us", "1000", "format", "pcm_s16le", "sample-rate", rate, "channels", channels);
  }

  private void assertRejected(Runnable call, Reason reason, String... messageParts) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            InvalidMediaException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .message()
        .contains(messageParts);
  }

  @Nested
  class Frames {
    @Test
    void acceptsJpegAndPngWithTheirHeaders() {
      VideoFrame jpeg = validator.frame(frameHeaders("1700000000000000", "jpeg"), JPEG);
      VideoFrame png = validator.frame(frameHeaders("42", "png"), PNG);

      assertThat(jpeg.tsUs()).isEqualTo(1_700_000_000_000_000L);
      assertThat(jpeg.format()).isEqualTo(ImageFormat.JPEG);
      assertThat(png.format()).isEqualTo(ImageFormat.PNG);
      assertThat(png.data()).isSameAs(PNG);
    }

    @Test
    void acceptsJpgAsASynonymOfJpeg() {
      assertThat(validator.frame(frameHeaders("1", "JPG"), JPEG).format())
          .isEqualTo(ImageFormat.JPEG);
    }

    @Test
    void rejectsAMissingTimestamp() {
      assertRejected(
          () -> validator.frame(headers("format", "jpeg"), JPEG),
          Reason.MISSING_HEADER,
          "no 'ts-us' header",
          "microseconds since the epoch");
    }

    @Test
    void rejectsAnUnparseableTimestamp() {
      assertRejected(
          () -> validator.frame(frameHeaders("12:30:01", "jpeg"), JPEG),
          Reason.BAD_TIMESTAMP,
          "'12:30:01', not an integer");
    }

    @Test
    void rejectsANegativeTimestamp() {
      assertRejected(
          () -> validator.frame(frameHeaders("-5", "jpeg"), JPEG),
          Reason.BAD_TIMESTAMP,
          "negative");
    }

    @Test
    void rejectsAnUnknownFormat() {
      assertRejected(
          () -> validator.frame(frameHeaders("1", "webp"), JPEG),
          Reason.UNKNOWN_FORMAT,
          "'webp'",
          "'jpeg' or 'png'");
    }

    @Test
    void rejectsAFormatHeaderThatContradictsTheBytes() {
      assertRejected(
          () -> validator.frame(frameHeaders("1", "png"), JPEG),
          Reason.FORMAT_MISMATCH,
          "says 'png' but the bytes are jpeg");
    }

    @Test
    void rejectsAnEmptyPayload() {
      assertRejected(
          () -> validator.frame(frameHeaders("1", "jpeg"), new byte[0]),
          Reason.EMPTY_PAYLOAD,
          "frame payload is empty");
    }

    @Test
    void rejectsAPayloadOverTheLimit() {
      MediaValidator strict = new MediaValidator(new MediaLimits(100, 100, true));
      assertRejected(
          () -> strict.frame(frameHeaders("1", "jpeg"), JPEG),
          Reason.PAYLOAD_TOO_LARGE,
          JPEG.length + " bytes, over the limit of 100");
    }

    @Test
    void rejectsRawPixels() {
      assertRejected(
          () -> validator.frame(frameHeaders("1", "jpeg"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
          Reason.UNDECODABLE_IMAGE,
          "neither the JPEG nor the PNG signature");
    }

    @Test
    void rejectsATruncatedImage() {
      byte[] truncated = Arrays.copyOf(PNG, 40);
      assertRejected(
          () -> validator.frame(frameHeaders("1", "png"), truncated),
          Reason.UNDECODABLE_IMAGE,
          "does not decode");
    }

    @Test
    void canSkipTheFullDecodeWhenConfigured() {
      MediaValidator lenient = new MediaValidator(new MediaLimits(1 << 20, 1 << 20, false));
      byte[] truncated = Arrays.copyOf(PNG, 40);
      assertThat(lenient.frame(frameHeaders("1", "png"), truncated).data()).hasSize(40);
    }
  }

  @Nested
  class Audio {
    @Test
    void acceptsInterleavedPcm() {
      AudioChunk chunk = validator.audio(audioHeaders("16000", "2"), new byte[16]);
      assertThat(chunk.frames()).isEqualTo(4);
      assertThat(chunk.sampleRate()).isEqualTo(16000);
      assertThat(chunk.channels()).isEqualTo(2);
      assertThat(chunk.tsUs()).isEqualTo(1000);
    }

    @Test
    void rejectsAnotherSampleFormat() {
      assertRejected(
          () ->
              validator.audio(
                  headers("ts-us", "1", "format", "f32le", "sample-rate", "16000", "channels", "1"),
                  new byte[4]),
          Reason.UNKNOWN_FORMAT,
          "'f32le'",
          "only 'pcm_s16le'");
    }

    @Test
    void rejectsAMissingSampleRate() {
      assertRejected(
          () ->
              validator.audio(
                  headers("ts-us", "1", "format", "pcm_s16le", "channels", "1"), new byte[4]),
          Reason.MISSING_HEADER,
          "no 'sample-rate' header");
    }

    @Test
    void rejectsASampleRateOutOfRange() {
      assertRejected(
          () -> validator.audio(audioHeaders("4000", "1"), new byte[4]),
          Reason.BAD_SAMPLE_RATE,
          "is 4000",
          "between 8000 and 96000");
      assertRejected(
          () -> validator.audio(audioHeaders("192000", "1"), new byte[4]),
          Reason.BAD_SAMPLE_RATE,
          "is 192000");
    }

    @Test
    void rejectsANonNumericSampleRate() {
      assertRejected(
          () -> validator.audio(audioHeaders("16k", "1"), new byte[4]),
          Reason.BAD_SAMPLE_RATE,
          "'16k', not an integer");
    }

    @Test
    void rejectsChannelsOutOfRange() {
      assertRejected(
          () -> validator.audio(audioHeaders("16000", "0"), new byte[4]),
          Reason.BAD_CHANNELS,
          "between 1 and 8");
      assertRejected(
          () -> validator.audio(audioHeaders("16000", "9"), new byte[18]),
          Reason.BAD_CHANNELS,
          "is 9");
    }

    @Test
    void rejectsAnOddByteCount() {
      assertRejected(
          () -> validator.audio(audioHeaders("16000", "1"), new byte[5]),
          Reason.ODD_PCM_LENGTH,
          "odd byte count (5)");
    }

    @Test
    void rejectsPartialMultiChannelFrames() {
      assertRejected(
          () -> validator.audio(audioHeaders("16000", "2"), new byte[6]),
          Reason.MISALIGNED_PCM,
          "not a whole number of 2-channel frames");
    }

    @Test
    void rejectsAnEmptyPayload() {
      assertRejected(
          () -> validator.audio(audioHeaders("16000", "1"), new byte[0]),
          Reason.EMPTY_PAYLOAD,
          "audio payload is empty");
    }

    @Test
    void rejectsAPayloadOverTheLimit() {
      MediaValidator strict = new MediaValidator(new MediaLimits(100, 64, true));
      assertRejected(
          () -> strict.audio(audioHeaders("16000", "1"), new byte[66]),
          Reason.PAYLOAD_TOO_LARGE,
          "66 bytes, over the limit of 64");
    }
  }
}
