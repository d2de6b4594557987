package io.avloc.streams.sync;

import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.DeadLetters;
import io.avloc.modelserver.meters.DeadLetterMeters;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The synchronizer's dead-letter child: frames that passed ingest's cheap checks (signature, header
 * dimensions) but that inference could not use (their pixels do not decode) leave here for the
 * dead-letter sink, with the frame's key, bytes and headers as ingest received them plus {@code
 * error}, {@code error-reason}, {@code error-stage=inference} and {@code source-topic}, the headers
 * an ingest dead letter has. Counted in {@link DeadLetterMeters} like ingest's.
 *
 * <p>The synchronizer forwards its heatmaps (or pairs) to all its children, this one included; only
 * raw frames ({@code byte[]} values, sent here by name) pass, everything else is dropped.
 */
public final class InferenceDeadLetters implements Processor<String, Object, byte[], byte[]> {

  /** The processor's name in the topology. */
  public static final String NAME = "inference-deadletter";

  /** The stage's name in dead-letter headers. */
  public static final String STAGE = "inference";

  private final String sourceTopic;
  private final DeadLetterMeters meters;
  private final int deadLetterBytes;
  private ProcessorContext<byte[], byte[]> context;

  /**
   * @param sourceTopic the frames topic, for {@code source-topic} and the counter's tag
   * @param deadLetterBytes the largest record the dead-letter topic accepts: larger frames are
   *     truncated as ingest's dead letters are ({@link DeadLetters})
   */
  public InferenceDeadLetters(String sourceTopic, MeterRegistry registry, int deadLetterBytes) {
    this.sourceTopic = Objects.requireNonNull(sourceTopic, "sourceTopic");
    this.meters =
        DeadLetterMeters.boundTo(Objects.requireNonNull(registry, "registry"), sourceTopic);
    this.deadLetterBytes = deadLetterBytes;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Object> record) {
    if (!(record.value() instanceof byte[] frame)) {
      return; // a heatmap or pair: the other sink writes it
    }
    Headers headers = record.headers();
    String tag = text(headers, AvlocHeaders.ERROR_REASON, "UNKNOWN");
    meters.deadLettered(tag);
    DeadLetters.Letter letter =
        DeadLetters.of(
            record.key().getBytes(StandardCharsets.UTF_8),
            frame,
            headers,
            text(headers, AvlocHeaders.ERROR, "frame unusable at inference"),
            tag,
            STAGE,
            sourceTopic,
            deadLetterBytes);
    context.forward(
        new Record<>(letter.key(), letter.value(), record.timestamp(), letter.headers()));
  }

  private static String text(Headers headers, String key, String otherwise) {
    Header h = headers.lastHeader(key);
    return h == null ? otherwise : new String(h.value(), StandardCharsets.UTF_8);
  }

  static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
