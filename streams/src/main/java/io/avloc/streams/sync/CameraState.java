package io.avloc.streams.sync;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the synchronizer knows about one camera: its clock and its bookkeeping. The value of the
 * {@link SyncStores#CAMERAS} store. Times are µs of the camera's own clock unless named "wall".
 * {@link #NONE} marks "not yet".
 *
 * <p>Mutable: load it, change it, put it back.
 */
final class CameraState {

  static final long NONE = Long.MIN_VALUE;

  private static final byte VERSION = 1;

  /** The camera's clock: the latest frame time or audio end seen, µs. */
  long clockUs = NONE;

  /** Time of the last accepted frame, µs (rate cap and order). */
  long lastFrameUs = NONE;

  /**
   * Time of the last frame that stopped waiting for audio (became ready or was dropped), µs. Frames
   * leave the waiting set in time order, so every unemitted frame at or before it is queued and
   * every one after it is waiting.
   */
  long releasedUpToUs = NONE;

  /** End of the latest stored 16 kHz audio, µs. */
  long audioEndUs = NONE;

  /** Duration of the longest stored audio chunk, µs: how far back a window scan must start. */
  long maxChunkUs;

  /** Wall clock of the camera's last record, µs. */
  long lastSeenWallUs;

  /** Times of the accepted frames not yet emitted (waiting or queued), ascending, µs. */
  long[] unemitted = new long[0];

  static CameraState fresh(long nowWallUs) {
    CameraState s = new CameraState();
    s.lastSeenWallUs = nowWallUs;
    return s;
  }

  /** The first waiting frame, or {@link #NONE}. */
  long firstWaiting() {
    for (long t : unemitted) {
      if (releasedUpToUs == NONE || t > releasedUpToUs) {
        return t;
      }
    }
    return NONE;
  }

  boolean hasUnemitted() {
    return unemitted.length > 0;
  }

  /** The oldest accepted frame not yet emitted, or {@link #NONE}. */
  long oldestUnemitted() {
    return unemitted.length == 0 ? NONE : unemitted[0];
  }

  void addUnemitted(long tsUs) {
    int at = Arrays.binarySearch(unemitted, tsUs);
    if (at >= 0) {
      return;
    }
    int insert = -at - 1;
    long[] next = new long[unemitted.length + 1];
    System.arraycopy(unemitted, 0, next, 0, insert);
    next[insert] = tsUs;
    System.arraycopy(unemitted, insert, next, insert + 1, unemitted.length - insert);
    unemitted = next;
  }

  void removeUnemitted(long tsUs) {
    int at = Arrays.binarySearch(unemitted, tsUs);
    if (at < 0) {
      return;
    }
    long[] next = new long[unemitted.length - 1];
    System.arraycopy(unemitted, 0, next, 0, at);
    System.arraycopy(unemitted, at + 1, next, at, unemitted.length - at - 1);
    unemitted = next;
  }

  static Serde<CameraState> serde() {
    return Serdes.serdeFrom(
        (topic, s) -> s == null ? null : s.toBytes(),
        (topic, bytes) -> bytes == null ? null : fromBytes(bytes));
  }

  byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(1 + 6 * 8 + 4 + 8 * unemitted.length);
    b.put(VERSION)
        .putLong(clockUs)
        .putLong(lastFrameUs)
        .putLong(releasedUpToUs)
        .putLong(audioEndUs)
        .putLong(maxChunkUs)
        .putLong(lastSeenWallUs)
        .putInt(unemitted.length);
    for (long t : unemitted) {
      b.putLong(t);
    }
    return b.array();
  }

  static CameraState fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte version = b.get();
    if (version != VERSION) {
      throw new SerializationException("unknown camera state version " + version);
    }
    CameraState s = new CameraState();
    s.clockUs = b.getLong();
    s.lastFrameUs = b.getLong();
    s.releasedUpToUs = b.getLong();
    s.audioEndUs = b.getLong();
    s.maxChunkUs = b.getLong();
    s.lastSeenWallUs = b.getLong();
    s.unemitted = new long[b.getInt()];
    for (int i = 0; i < s.unemitted.length; i++) {
      s.unemitted[i] = b.getLong();
    }
    return s;
  }

  @Override
  public String toString() {
    return "CameraState[clockUs="
        + clockUs
        + ", lastFrameUs="
        + lastFrameUs
        + ", releasedUpToUs="
        + releasedUpToUs
        + ", audioEndUs="
        + audioEndUs
        + ", unemitted="
        + Arrays.toString(unemitted)
        + "]";
  }
}
