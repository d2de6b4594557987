package io.avloc.core.media;

/**
 * Every Kafka record-size limit of the pipeline, derived from one number: the largest media record
 * value (an encoded frame or a PCM audio chunk) it accepts. The validator's limits, the producers'
 * {@code max.request.size} and the {@code max.message.bytes} of the topics avloc creates all follow
 * from it, so they cannot disagree: whatever the validator accepts can be stored in the state
 * stores, forwarded as a pair and, when it later turns out to be bad, dead-lettered whole. Derived
 * limits only ever grow with the setting; a broker with smaller limits is met by {@link
 * DeadLetters#fit}, which truncates a dead letter to what its topic accepts.
 *
 * @param maxMediaBytes largest accepted frame or audio chunk value, bytes
 */
public record RecordLimits(int maxMediaBytes) {

  /** The default: 8 MiB, the documented frame limit. */
  public static final RecordLimits DEFAULT = new RecordLimits(8 << 20);

  /**
   * Room for what a record carries besides its value: key, the producer's headers, the error
   * headers a dead letter adds and the record-batch framing. 64 KiB is far more than any avloc
   * header set; a record whose own headers need more is still dead-lettered, truncated.
   */
  public static final int HEADROOM_BYTES = 64 << 10;

  /**
   * Room for the audio window a pair record carries besides its frame: generous (3.5 s of 16 kHz
   * samples is under 0.25 MiB), so a longer configured window still fits.
   */
  public static final int PAIR_AUDIO_BYTES = 2 << 20;

  public RecordLimits {
    if (maxMediaBytes <= 0) {
      throw new IllegalArgumentException(
          "the media record limit must be positive, got " + maxMediaBytes);
    }
    if ((long) maxMediaBytes + PAIR_AUDIO_BYTES + HEADROOM_BYTES > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException(
          "the media record limit " + maxMediaBytes + " bytes is too large for Kafka");
    }
  }

  /** Largest frame the validator accepts. */
  public int maxFrameBytes() {
    return maxMediaBytes;
  }

  /** Largest audio chunk the validator accepts. */
  public int maxAudioBytes() {
    return maxMediaBytes;
  }

  /**
   * {@code max.message.bytes} of the frames and audio topics and of the state-store changelogs: one
   * media record with its headers.
   */
  public int mediaRecordBytes() {
    return maxMediaBytes + HEADROOM_BYTES;
  }

  /**
   * {@code max.message.bytes} of the pairs and dead-letter topics and every producer's {@code
   * max.request.size}: the largest record avloc writes, a pair (frame + audio window) or the dead
   * letter of one.
   */
  public int pairRecordBytes() {
    return maxMediaBytes + PAIR_AUDIO_BYTES + HEADROOM_BYTES;
  }
}
