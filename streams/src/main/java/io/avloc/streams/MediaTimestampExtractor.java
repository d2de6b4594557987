package io.avloc.streams;

import io.avloc.core.media.AvlocHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a media record = its {@code ts-us} header (capture time), in ms, so Kafka Streams
 * interleaves the frames and audio topics by capture time rather than by when producers sent them.
 * Falls back to the record timestamp when the header is missing or bad (the validator then
 * dead-letters the record).
 */
public final class MediaTimestampExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Header h = record.headers().lastHeader(AvlocHeaders.TS_US);
    if (h != null && h.value() != null) {
      try {
        long us = Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).trim());
        if (us >= 0) {
          return us / 1000;
        }
      } catch (NumberFormatException e) {
        // fall through to the record's own timestamp
      }
    }
    return Math.max(record.timestamp(), 0);
  }
}
