package io.avloc.streams.sync;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store key {@code (camera, time)} whose byte order is camera first, then time: a range scan over
 * one camera returns its entries in time order, in RocksDB and in memory alike.
 *
 * <p>Layout: 4-byte big-endian length of the UTF-8 camera id, the id, then the time in µs as an
 * 8-byte big-endian value with its sign bit flipped (so negative times sort first too). The length
 * prefix keeps camera ids with any characters, NUL included, from running into each other.
 */
final class CameraTimeKey {
  private CameraTimeKey() {}

  static Bytes of(String camera, long tsUs) {
    byte[] id = camera.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(4 + id.length + 8)
            .putInt(id.length)
            .put(id)
            .putLong(tsUs ^ Long.MIN_VALUE)
            .array());
  }

  /** The smallest key of {@code camera}. */
  static Bytes first(String camera) {
    return of(camera, Long.MIN_VALUE);
  }

  /** The largest key of {@code camera}. */
  static Bytes last(String camera) {
    return of(camera, Long.MAX_VALUE);
  }

  static String camera(Bytes key) {
    ByteBuffer b = ByteBuffer.wrap(key.get());
    int n = b.getInt();
    return new String(key.get(), 4, n, StandardCharsets.UTF_8);
  }

  static long tsUs(Bytes key) {
    byte[] k = key.get();
    return ByteBuffer.wrap(k, k.length - 8, 8).getLong() ^ Long.MIN_VALUE;
  }
}
