package io.avloc.core.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.event.HeatmapEvents;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.InvalidMediaException;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.TestImages;
import io.avloc.core.media.VideoFrame;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SerdeRoundTripTest {

  private final MediaValidator validator = new MediaValidator();

  @Test
  void aVideoFrameRoundTripsThroughValueAndHeaders() {
    Serde<VideoFrame> serde = MediaSerdes.videoFrame(validator);
    VideoFrame frame = new VideoFrame(123_456, ImageFormat.PNG, TestImages.encoded("png", 8, 8));
    RecordHeaders headers = new RecordHeaders();

    byte[] bytes = serde.serializer().serialize("avloc.frames", headers, frame);

    assertThat(bytes).isSameAs(frame.data());
    assertThat(header(headers, "ts-us")).isEqualTo("123456");
    assertThat(header(headers, "format")).isEqualTo("png");
    assertThat(serde.deserializer().deserialize("avloc.frames", headers, bytes)).isEqualTo(frame);
  }

  @Test
  void anAudioChunkRoundTripsThroughValueAndHeaders() {
    Serde<AudioChunk> serde = MediaSerdes.audioChunk(validator);
    AudioChunk chunk = AudioChunk.fromMono(99, 16_000, new float[] {0.1f, -0.2f, 0.3f});
    RecordHeaders headers = new RecordHeaders();

    byte[] bytes = serde.serializer().serialize("avloc.audio", headers, chunk);

    assertThat(header(headers, "format")).isEqualTo("pcm_s16le");
    assertThat(header(headers, "sample-rate")).isEqualTo("16000");
    assertThat(header(headers, "channels")).isEqualTo("1");
    assertThat(serde.deserializer().deserialize("avloc.audio", headers, bytes)).isEqualTo(chunk);
  }

  @Test
  void serializingTwiceReplacesRatherThanDuplicatesHeaders() {
    Serde<AudioChunk> serde = MediaSerdes.audioChunk(validator);
    RecordHeaders headers = new RecordHeaders();
    serde.serializer().serialize("t", headers, new AudioChunk(1, 8000, 1, new byte[2]));
    serde.serializer().serialize("t", headers, new AudioChunk(2, 8000, 1, new byte[2]));
    assertThat(headers.headers("ts-us")).hasSize(1);
    assertThat(header(headers, "ts-us")).isEqualTo("2");
  }

  @Test
  void deserializingABadRecordThrowsTheValidationError() {
    Serde<AudioChunk> serde = MediaSerdes.audioChunk(validator);
    RecordHeaders headers = new RecordHeaders();
    headers.add("ts-us", "1".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> serde.deserializer().deserialize("avloc.audio", headers, new byte[2]))
        .isInstanceOf(InvalidMediaException.class)
        .hasMessageContaining("'format'");
  }

  @Test
  void mediaSerdesRefuseToWorkWithoutHeaders() {
    assertThatThrownBy(
            () -> MediaSerdes.videoFrame(validator).deserializer().deserialize("t", new byte[1]))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("headers");
  }

  @Test
  void aHeatmapEventRoundTripsAsJsonAndCarriesTheModelHeader() {
    HeatmapEventSerde serde = new HeatmapEventSerde();
    HeatmapEvent event = HeatmapEvents.sample();
    RecordHeaders headers = new RecordHeaders();

    byte[] json = serde.serializer().serialize("avloc.heatmaps", headers, event);

    assertThat(header(headers, "model")).isEqualTo("ezvsl-lite@1");
    assertThat(serde.deserializer().deserialize("avloc.heatmaps", json)).isEqualTo(event);
  }

  @Test
  void heatmapReadersIgnoreFieldsTheyDoNotKnow() {
    String json =
        new String(HeatmapEventSerde.toJson(HeatmapEvents.sample()), StandardCharsets.UTF_8);
    String extended = json.replaceFirst("\\{", "{\"futureField\":[1,2],");
    assertThat(HeatmapEventSerde.fromJson(extended.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(HeatmapEvents.sample());
  }

  @Test
  void aHeatmapMissingARequiredFieldIsRejectedWithItsName() {
    String json =
        new String(HeatmapEventSerde.toJson(HeatmapEvents.sample()), StandardCharsets.UTF_8);
    String noPeak = json.replaceFirst("\"peak\":\\{[^}]*\\},", "");
    assertThatThrownBy(() -> HeatmapEventSerde.fromJson(noPeak.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("peak");
  }

  private static String header(RecordHeaders headers, String key) {
    return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
