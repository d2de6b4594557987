package io.avloc.streams.ingest;

import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.InvalidMediaException;
import io.avloc.core.media.MediaValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The first stage for a media topic: turns raw records into validated {@link
 * io.avloc.core.media.VideoFrame}s or {@link io.avloc.core.media.AudioChunk}s for the synchronizer,
 * keyed by camera id, and sends anything that breaks the contract to the dead-letter sink unchanged
 * (key, value and headers as received) with {@code error}, {@code error-reason}, {@code
 * error-stage} and {@code source-topic} headers. Nothing is lost: a bad record never stops the
 * pipeline.
 *
 * @param <V> the validated value type
 */
public final class MediaIngest<V> implements Processor<byte[], byte[], Object, Object> {

  /** The validation stage's name in dead-letter headers. */
  public static final String STAGE = "validate";

  /** Validates one record. */
  @FunctionalInterface
  public interface Validation<V> {
    V validate(MediaValidator validator, Headers headers, byte[] value);
  }

  private final MediaValidator validator;
  private final Validation<V> validation;
  private final String sourceTopic;
  private final String validChild;
  private final String deadLetterChild;
  private final Map<InvalidMediaException.Reason, Counter> rejected =
      new EnumMap<>(InvalidMediaException.Reason.class);
  private final Counter missingKey;
  private ProcessorContext<Object, Object> context;

  public MediaIngest(
      MediaValidator validator,
      Validation<V> validation,
      String sourceTopic,
      String validChild,
      String deadLetterChild,
      MeterRegistry registry) {
    this.validator = Objects.requireNonNull(validator);
    this.validation = Objects.requireNonNull(validation);
    this.sourceTopic = sourceTopic;
    this.validChild = validChild;
    this.deadLetterChild = deadLetterChild;
    for (InvalidMediaException.Reason r : InvalidMediaException.Reason.values()) {
      rejected.put(r, deadLetters(registry, r.name()));
    }
    this.missingKey = deadLetters(registry, "MISSING_KEY");
  }

  private Counter deadLetters(MeterRegistry registry, String reason) {
    return Counter.builder("avloc.deadletters")
        .description("records sent to the dead-letter topic")
        .tags("reason", reason, "topic", sourceTopic)
        .register(registry);
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    byte[] key = record.key();
    if (key == null || key.length == 0) {
      missingKey.increment();
      deadLetter(
          record,
          "MISSING_KEY",
          "record has no key; the key must be the camera id (UTF-8), e.g. 'cam-1'");
      return;
    }
    String camera = new String(key, StandardCharsets.UTF_8);
    V value;
    try {
      value = validation.validate(validator, record.headers(), record.value());
    } catch (InvalidMediaException e) {
      rejected.get(e.reason()).increment();
      deadLetter(record, e.reason().name(), e.getMessage());
      return;
    }
    context.forward(
        new Record<Object, Object>(camera, value, record.timestamp(), record.headers()),
        validChild);
  }

  private void deadLetter(Record<byte[], byte[]> record, String reason, String message) {
    Headers headers = new RecordHeaders(record.headers().toArray());
    put(headers, AvlocHeaders.ERROR, message);
    put(headers, AvlocHeaders.ERROR_REASON, reason);
    put(headers, AvlocHeaders.ERROR_STAGE, STAGE);
    put(headers, AvlocHeaders.SOURCE_TOPIC, sourceTopic);
    // The dead-letter sink writes raw bytes: key and value go out exactly as they came in.
    context.forward(
        new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers),
        deadLetterChild);
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
