package io.avloc.core.serde;

import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes for the media topics. Metadata lives in headers, so these only work through the
 * header-aware {@code serialize(topic, headers, value)} / {@code deserialize(topic, headers,
 * bytes)} methods that Kafka's clients and Streams call; deserialization validates with {@link
 * MediaValidator} and throws its {@link io.avloc.core.media.InvalidMediaException}.
 */
public final class MediaSerdes {
  private MediaSerdes() {}

  public static Serde<VideoFrame> videoFrame(MediaValidator validator) {
    return Serdes.serdeFrom(new FrameSerializer(), new FrameDeserializer(validator));
  }

  public static Serde<AudioChunk> audioChunk(MediaValidator validator) {
    return Serdes.serdeFrom(new AudioSerializer(), new AudioDeserializer(validator));
  }

  /** Writes the frame headers of {@code frame} into {@code headers}, replacing old values. */
  public static void writeHeaders(Headers headers, VideoFrame frame) {
    put(headers, AvlocHeaders.TS_US, Long.toString(frame.tsUs()));
    put(headers, AvlocHeaders.FORMAT, frame.format().headerValue());
  }

  /** Writes the audio headers of {@code chunk} into {@code headers}, replacing old values. */
  public static void writeHeaders(Headers headers, AudioChunk chunk) {
    put(headers, AvlocHeaders.TS_US, Long.toString(chunk.tsUs()));
    put(headers, AvlocHeaders.FORMAT, AudioChunk.FORMAT);
    put(headers, AvlocHeaders.SAMPLE_RATE, Integer.toString(chunk.sampleRate()));
    put(headers, AvlocHeaders.CHANNELS, Integer.toString(chunk.channels()));
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static UnsupportedOperationException headersRequired() {
    return new UnsupportedOperationException(
        "media records carry their metadata in Kafka headers; use the headers-aware method");
  }

  private static final class FrameSerializer implements Serializer<VideoFrame> {
    @Override
    public byte[] serialize(String topic, VideoFrame data) {
      throw headersRequired();
    }

    @Override
    public byte[] serialize(String topic, Headers headers, VideoFrame data) {
      if (data == null) {
        return null;
      }
      writeHeaders(headers, data);
      return data.data();
    }
  }

  private record FrameDeserializer(MediaValidator validator) implements Deserializer<VideoFrame> {
    @Override
    public VideoFrame deserialize(String topic, byte[] data) {
      throw headersRequired();
    }

    @Override
    public VideoFrame deserialize(String topic, Headers headers, byte[] data) {
      return data == null ? null : validator.frame(headers, data);
    }
  }

  private static final class AudioSerializer implements Serializer<AudioChunk> {
    @Override
    public byte[] serialize(String topic, AudioChunk data) {
      throw headersRequired();
    }

    @Override
    public byte[] serialize(String topic, Headers headers, AudioChunk data) {
      if (data == null) {
        return null;
      }
      writeHeaders(headers, data);
      return data.pcm();
    }
  }

  private record AudioDeserializer(MediaValidator validator) implements Deserializer<AudioChunk> {
    @Override
    public AudioChunk deserialize(String topic, byte[] data) {
      throw headersRequired();
    }

    @Override
    public AudioChunk deserialize(String topic, Headers headers, byte[] data) {
      return data == null ? null : validator.audio(headers, data);
    }
  }
}
