package io.avloc.core.media;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records, the same for every stage that writes them (the streams application's
 * validation and clock-skew guard, {@code avloc serve}): the rejected record's key, value and
 * headers as received, plus {@code error}, {@code error-reason}, {@code error-stage} and {@code
 * source-topic}.
 *
 * <p>A dead letter must never be the record that stops the pipeline. One that would not fit in its
 * topic's record limit (the rejected value is close to the limit, or the dead-letter topic was
 * created with a smaller {@code max.message.bytes} than avloc's) keeps its key and headers and the
 * first bytes of its value that fit; {@value #PAYLOAD_TRUNCATED} then gives the original value's
 * length and {@value #PAYLOAD_SHA256} its SHA-256, so the record can still be identified in the
 * source topic.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /** Only on truncated dead letters: the original value's length in bytes (decimal). */
  public static final String PAYLOAD_TRUNCATED = "payload-truncated";

  /** Only on truncated dead letters: the original value's SHA-256 (lowercase hex). */
  public static final String PAYLOAD_SHA256 = "payload-sha256";

  /** Kafka's default {@code message.max.bytes}, which a topic created without a limit gets. */
  public static final int BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

  /**
   * An upper bound on what a record adds to its key, value and headers in a record batch: the batch
   * header (61 bytes), the record's length, attributes, timestamp and offset deltas and header
   * count (varints), with room to spare.
   */
  static final int RECORD_OVERHEAD_BYTES = 512;

  /** Per header: its key and value lengths (varints). */
  private static final int HEADER_OVERHEAD_BYTES = 10;

  /** A dead letter: what to write to the dead-letter topic. */
  public record Letter(byte[] key, byte[] value, Headers headers, boolean truncated) {}

  /**
   * The dead letter of a rejected record, fitted into {@code maxRecordBytes}.
   *
   * @param maxRecordBytes the largest record the dead-letter topic and the producer accept: the
   *     smaller of the topic's {@code max.message.bytes} and the producer's {@code
   *     max.request.size}
   */
  public static Letter of(
      byte[] key,
      byte[] value,
      Headers original,
      String error,
      String reason,
      String stage,
      String sourceTopic,
      int maxRecordBytes) {
    Headers headers = new RecordHeaders(original.toArray());
    put(headers, AvlocHeaders.ERROR, error);
    put(headers, AvlocHeaders.ERROR_REASON, reason);
    put(headers, AvlocHeaders.ERROR_STAGE, stage);
    put(headers, AvlocHeaders.SOURCE_TOPIC, sourceTopic);
    headers.remove(PAYLOAD_TRUNCATED);
    headers.remove(PAYLOAD_SHA256);
    byte[] v = value;
    if (v == null || sizeUpperBound(key, v, headers) <= maxRecordBytes) {
      return new Letter(key, v, headers, false);
    }
    put(headers, PAYLOAD_TRUNCATED, Integer.toString(v.length));
    put(headers, PAYLOAD_SHA256, sha256(v));
    long room = (long) maxRecordBytes - sizeUpperBound(key, new byte[0], headers);
    byte[] kept = Arrays.copyOf(v, (int) Math.max(0, Math.min(v.length, room)));
    return new Letter(key, kept, headers, true);
  }

  /**
   * The largest dead letter that {@code topic} and a producer with {@code maxRequestBytes} accept:
   * the smaller of the two, where the topic's limit is its {@code max.message.bytes} on the broker
   * (a topic created outside avloc may keep the broker's 1 MiB default).
   *
   * @throws IllegalStateException when the broker cannot be asked
   */
  public static int recordLimit(Admin admin, String topic, int maxRequestBytes) {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
      ConfigEntry e = c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      if (e == null || e.value() == null) {
        return maxRequestBytes;
      }
      return Math.min(maxRequestBytes, Integer.parseInt(e.value()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the limits of " + topic, e);
    } catch (ExecutionException | TimeoutException | NumberFormatException e) {
      throw new IllegalStateException(
          "cannot read max.message.bytes of topic " + topic + ": " + e.getMessage(), e);
    }
  }

  /** An upper bound on the record's size in a batch of its own, bytes. */
  public static long sizeUpperBound(byte[] key, byte[] value, Headers headers) {
    long n = RECORD_OVERHEAD_BYTES;
    n += key == null ? 0 : key.length;
    n += value == null ? 0 : value.length;
    for (Header h : headers) {
      n += HEADER_OVERHEAD_BYTES + h.key().getBytes(StandardCharsets.UTF_8).length;
      n += h.value() == null ? 0 : h.value().length;
    }
    return n;
  }

  private static String sha256(byte[] v) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
