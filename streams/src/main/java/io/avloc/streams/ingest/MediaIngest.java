package io.avloc.streams.ingest;

import io.avloc.core.media.DeadLetters;
import io.avloc.core.media.InvalidMediaException;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.RecordLimits;
import io.avloc.modelserver.meters.DeadLetterMeters;
import io.avloc.streams.sync.CameraClocks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The first stage for a media topic: turns raw records into validated {@link
 * io.avloc.core.media.VideoFrame}s or {@link io.avloc.core.media.AudioChunk}s for the synchronizer,
 * keyed by camera id, and sends anything that breaks the contract to the dead-letter sink unchanged
 * (key, value and headers as received) with {@code error}, {@code error-reason}, {@code
 * error-stage} and {@code source-topic} headers ({@link DeadLetters}). Nothing is lost: a bad
 * record never stops the pipeline. Besides the validator's checks it refuses keys that are not
 * UTF-8 ({@value #BAD_KEY}) and, with a {@link ClockSkewGuard}, records stamped too far in the
 * future ({@value ClockSkewGuard#REASON}).
 *
 * @param <V> the validated value type
 */
public final class MediaIngest<V> implements Processor<byte[], byte[], Object, Object> {

  /** The validation stage's name in dead-letter headers. */
  public static final String STAGE = "validate";

  /** Dead-letter reason of a key that is not valid UTF-8. */
  public static final String BAD_KEY = "BAD_KEY";

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
  private final Counter badKey;
  private final Counter clockSkew;
  private final int deadLetterBytes;
  private final ToLongFunction<V> timeUs; // null: no clock-skew guard
  private final ClockSkewGuard skewGuard;
  private ProcessorContext<Object, Object> context;
  private CameraClocks clocks;

  public MediaIngest(
      MediaValidator validator,
      Validation<V> validation,
      String sourceTopic,
      String validChild,
      String deadLetterChild,
      MeterRegistry registry) {
    this(
        validator,
        validation,
        sourceTopic,
        validChild,
        deadLetterChild,
        registry,
        RecordLimits.DEFAULT.pairRecordBytes(),
        null,
        null);
  }

  /**
   * @param deadLetterBytes the largest dead letter the dead-letter topic and producer accept;
   *     larger ones are truncated ({@link DeadLetters})
   * @param timeUs the time of a validated record, for {@code skewGuard}; null for no guard
   * @param skewGuard refuses records too far in the future; its processor must be connected to
   *     {@link CameraClocks#STORE}; null for no guard
   */
  public MediaIngest(
      MediaValidator validator,
      Validation<V> validation,
      String sourceTopic,
      String validChild,
      String deadLetterChild,
      MeterRegistry registry,
      int deadLetterBytes,
      ToLongFunction<V> timeUs,
      ClockSkewGuard skewGuard) {
    if ((timeUs == null) != (skewGuard == null)) {
      throw new IllegalArgumentException(
          "the clock-skew guard needs the records' time, and only it");
    }
    this.deadLetterBytes = deadLetterBytes;
    this.timeUs = timeUs;
    this.skewGuard = skewGuard;
    this.validator = Objects.requireNonNull(validator);
    this.validation = Objects.requireNonNull(validation);
    this.sourceTopic = sourceTopic;
    this.validChild = validChild;
    this.deadLetterChild = deadLetterChild;
    DeadLetterMeters deadLetters = DeadLetterMeters.boundTo(registry, sourceTopic);
    for (InvalidMediaException.Reason r : InvalidMediaException.Reason.values()) {
      rejected.put(r, deadLetters.counter(r.name()));
    }
    this.missingKey = deadLetters.counter("MISSING_KEY");
    this.badKey = deadLetters.counter(BAD_KEY);
    this.clockSkew = deadLetters.counter(ClockSkewGuard.REASON);
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    if (skewGuard != null) {
      this.clocks = CameraClocks.of(context);
    }
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
    String camera = cameraId(key);
    if (camera == null) {
      badKey.increment();
      deadLetter(
          record,
          BAD_KEY,
          "the key is not valid UTF-8 (starts with bytes "
              + HexFormat.ofDelimiter(" ").formatHex(key, 0, Math.min(key.length, 16))
              + "); the key must be the camera id as UTF-8 text, e.g. 'cam-1'");
      return;
    }
    V value;
    try {
      value = validation.validate(validator, record.headers(), record.value());
    } catch (InvalidMediaException e) {
      rejected.get(e.reason()).increment();
      deadLetter(record, e.reason().name(), e.getMessage());
      return;
    }
    if (skewGuard != null) {
      String skew =
          skewGuard.check(
              camera,
              timeUs.applyAsLong(value),
              context.currentSystemTimeMs() * 1000L,
              clocks.read(camera));
      if (skew != null) {
        clockSkew.increment();
        deadLetter(record, ClockSkewGuard.REASON, skew);
        return;
      }
    }
    context.forward(
        new Record<Object, Object>(camera, value, record.timestamp(), record.headers()),
        validChild);
  }

  private void deadLetter(Record<byte[], byte[]> record, String reason, String message) {
    DeadLetters.Letter letter =
        DeadLetters.of(
            record.key(),
            record.value(),
            record.headers(),
            message,
            reason,
            STAGE,
            sourceTopic,
            deadLetterBytes);
    // The dead-letter sink writes raw bytes: key and value go out as they came in (the value
    // truncated only when the whole record would not fit in the dead-letter topic).
    context.forward(
        new Record<Object, Object>(
            letter.key(), letter.value(), record.timestamp(), letter.headers()),
        deadLetterChild);
  }

  /**
   * The camera id: the key as UTF-8, or null when it is not valid UTF-8. Decoding leniently would
   * map every malformed key to the same replacement characters and merge unrelated cameras.
   */
  private static String cameraId(byte[] key) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
