package io.avloc.core.serde;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AvlocHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** JSON {@link HeatmapEvent}s; the serializer also sets the {@code model} header. */
public final class HeatmapEventSerde implements Serde<HeatmapEvent> {

  @Override
  public Serializer<HeatmapEvent> serializer() {
    return new Serializer<>() {
      @Override
      public byte[] serialize(String topic, HeatmapEvent event) {
        return toJson(event);
      }

      @Override
      public byte[] serialize(String topic, Headers headers, HeatmapEvent event) {
        if (event != null && headers != null) {
          headers.remove(AvlocHeaders.MODEL);
          headers.add(AvlocHeaders.MODEL, event.model().getBytes(StandardCharsets.UTF_8));
        }
        return toJson(event);
      }
    };
  }

  @Override
  public Deserializer<HeatmapEvent> deserializer() {
    return (topic, data) -> fromJson(data);
  }

  public static byte[] toJson(HeatmapEvent event) {
    if (event == null) {
      return null;
    }
    try {
      return Json.MAPPER.writeValueAsBytes(event);
    } catch (IOException e) {
      throw new SerializationException("cannot write heatmap event as JSON", e);
    }
  }

  public static HeatmapEvent fromJson(byte[] data) {
    if (data == null) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(data, HeatmapEvent.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new SerializationException("not a valid heatmap event: " + e.getMessage(), e);
    }
  }
}
