package io.avloc.core.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.internal.AbstractRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  private static final byte[] KEY = "cam-1".getBytes(StandardCharsets.UTF_8);

  private static Headers original() {
    Headers h = new RecordHeaders();
    h.add(AvlocHeaders.TS_US, "1700000000000000".getBytes(StandardCharsets.UTF_8));
    h.add(AvlocHeaders.FORMAT, "jpeg".getBytes(StandardCharsets.UTF_8));
    return h;
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  private static DeadLetters.Letter letter(byte[] value, int limit) {
    return DeadLetters.of(
        KEY,
        value,
        original(),
        "not an image",
        "UNDECODABLE_IMAGE",
        "validate",
        "avloc.frames",
        limit);
  }

  private static String header(Headers h, String key) {
    var v = h.lastHeader(key);
    return v == null ? null : new String(v.value(), StandardCharsets.UTF_8);
  }

  @Test
  void aDeadLetterThatFitsKeepsTheRecordAsReceivedPlusTheErrorHeaders() {
    byte[] value = bytes(10_000);
    DeadLetters.Letter l = letter(value, 1 << 20);

    assertThat(l.truncated()).isFalse();
    assertThat(l.key()).isEqualTo(KEY);
    assertThat(l.value()).isEqualTo(value);
    assertThat(header(l.headers(), "ts-us")).isEqualTo("1700000000000000");
    assertThat(header(l.headers(), "format")).isEqualTo("jpeg");
    assertThat(header(l.headers(), "error")).isEqualTo("not an image");
    assertThat(header(l.headers(), "error-reason")).isEqualTo("UNDECODABLE_IMAGE");
    assertThat(header(l.headers(), "error-stage")).isEqualTo("validate");
    assertThat(header(l.headers(), "source-topic")).isEqualTo("avloc.frames");
    assertThat(l.headers().lastHeader(DeadLetters.PAYLOAD_TRUNCATED)).isNull();
  }

  @Test
  void aDeadLetterOverTheLimitKeepsItsHeadersAndAPrefixAndSaysHowLongTheValueWasAndItsHash()
      throws Exception {
    // The issue's case: a ~1 MiB chunk whose dead letter exceeded a 1 MiB limit by its headers.
    byte[] value = bytes((1 << 20) - 1);
    int limit = DeadLetters.BROKER_DEFAULT_MAX_MESSAGE_BYTES;
    DeadLetters.Letter l = letter(value, limit);

    assertThat(l.truncated()).isTrue();
    assertThat(l.value().length).isLessThan(value.length).isGreaterThan(limit - 4096);
    assertThat(l.value()).isEqualTo(Arrays.copyOf(value, l.value().length));
    assertThat(header(l.headers(), DeadLetters.PAYLOAD_TRUNCATED))
        .isEqualTo(Integer.toString(value.length));
    assertThat(header(l.headers(), DeadLetters.PAYLOAD_SHA256))
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
    assertThat(header(l.headers(), "ts-us")).isEqualTo("1700000000000000");
    assertThat(header(l.headers(), "error-reason")).isEqualTo("UNDECODABLE_IMAGE");
    // Kafka's own bound, which the producer checks against max.request.size (internal API, so
    // only here: it cross-checks the estimate that DeadLetters uses).
    int kafkaSize =
        AbstractRecords.estimateSizeInBytesUpperBound(
            RecordBatch.CURRENT_MAGIC_VALUE,
            CompressionType.NONE,
            l.key(),
            l.value(),
            l.headers().toArray());
    assertThat(kafkaSize).isLessThanOrEqualTo(limit);
    assertThat(DeadLetters.sizeUpperBound(l.key(), l.value(), l.headers()))
        .isLessThanOrEqualTo(limit);
  }

  @Test
  void headersOfAnEarlierTruncationAreNotCarriedOver() {
    Headers h = original();
    h.add(DeadLetters.PAYLOAD_TRUNCATED, "99".getBytes(StandardCharsets.UTF_8));
    DeadLetters.Letter l =
        DeadLetters.of(KEY, bytes(10), h, "e", "R", "serve", "avloc.pairs", 1 << 20);

    assertThat(l.truncated()).isFalse();
    assertThat(l.headers().lastHeader(DeadLetters.PAYLOAD_TRUNCATED)).isNull();
  }

  @Test
  void aRecordWithoutValueStaysWithoutValue() {
    DeadLetters.Letter l = letter(null, 1 << 20);
    assertThat(l.value()).isNull();
    assertThat(l.truncated()).isFalse();
  }

  @Test
  void everyLimitDerivesFromTheLargestMediaRecord() {
    RecordLimits l = new RecordLimits(2 << 20);
    assertThat(l.maxFrameBytes()).isEqualTo(2 << 20);
    assertThat(l.maxAudioBytes()).isEqualTo(2 << 20);
    assertThat(l.mediaRecordBytes()).isEqualTo((2 << 20) + RecordLimits.HEADROOM_BYTES);
    assertThat(l.pairRecordBytes())
        .isEqualTo((2 << 20) + RecordLimits.PAIR_AUDIO_BYTES + RecordLimits.HEADROOM_BYTES);
    // The dead letter of the largest accepted record, with its error headers, fits whole.
    DeadLetters.Letter d = letter(bytes(l.maxFrameBytes()), l.pairRecordBytes());
    assertThat(d.truncated()).isFalse();
    assertThat(RecordLimits.DEFAULT.maxFrameBytes()).isEqualTo(8 << 20);
  }
}
