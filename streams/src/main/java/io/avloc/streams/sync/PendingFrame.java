package io.avloc.streams.sync;

import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * An accepted frame that has not been emitted yet: the value of the {@link SyncStores#FRAMES}
 * store. It stays there from arrival until its heatmap is forwarded.
 *
 * @param frame the frame (its {@code tsUs} is camera time, µs)
 * @param headers the frame record's headers, passed through to the heatmap record
 * @param recordTimestampMs the frame record's Kafka timestamp, ms, reused for the heatmap record
 * @param arrivedAtUs wall clock when the frame reached the synchronizer, µs
 */
record PendingFrame(VideoFrame frame, Headers headers, long recordTimestampMs, long arrivedAtUs) {

  private static final byte VERSION = 1;

  PendingFrame {
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(headers, "headers");
  }

  static Serde<PendingFrame> serde() {
    return Serdes.serdeFrom(
        (topic, f) -> f == null ? null : f.toBytes(),
        (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
  }

  byte[] toBytes() {
    byte[] format = frame.format().headerValue().getBytes(StandardCharsets.UTF_8);
    Header[] hs = headers.toArray();
    int size = 1 + 8 + 8 + 8 + 4 + format.length + 4;
    for (Header h : hs) {
      size += 4 + h.key().getBytes(StandardCharsets.UTF_8).length + 4;
      size += h.value() == null ? 0 : h.value().length;
    }
    size += 4 + frame.data().length;
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(VERSION).putLong(frame.tsUs()).putLong(recordTimestampMs).putLong(arrivedAtUs);
    b.putInt(format.length).put(format);
    b.putInt(hs.length);
    for (Header h : hs) {
      byte[] key = h.key().getBytes(StandardCharsets.UTF_8);
      b.putInt(key.length).put(key);
      if (h.value() == null) {
        b.putInt(-1);
      } else {
        b.putInt(h.value().length).put(h.value());
      }
    }
    b.putInt(frame.data().length).put(frame.data());
    return b.array();
  }

  static PendingFrame fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte version = b.get();
    if (version != VERSION) {
      throw new SerializationException("unknown pending frame version " + version);
    }
    long tsUs = b.getLong();
    long recordTimestampMs = b.getLong();
    long arrivedAtUs = b.getLong();
    ImageFormat format =
        ImageFormat.fromHeader(new String(take(b, b.getInt()), StandardCharsets.UTF_8));
    int n = b.getInt();
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < n; i++) {
      String key = new String(take(b, b.getInt()), StandardCharsets.UTF_8);
      int len = b.getInt();
      headers.add(key, len < 0 ? null : take(b, len));
    }
    byte[] data = take(b, b.getInt());
    return new PendingFrame(
        new VideoFrame(tsUs, format, data), headers, recordTimestampMs, arrivedAtUs);
  }

  private static byte[] take(ByteBuffer b, int n) {
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }
}
