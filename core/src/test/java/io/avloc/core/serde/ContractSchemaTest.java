package io.avloc.core.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.avloc.core.event.HeatmapEvents;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.TestImages;
import io.avloc.core.media.VideoFrame;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The JSON Schemas under docs/schemas describe what the code really writes. */
class ContractSchemaTest {

  private static JsonSchema schema(String name) {
    InputStream in =
        ContractSchemaTest.class.getResourceAsStream("/io/avloc/schemas/" + name + ".schema.json");
    assertThat(in).as("schema %s on the classpath", name).isNotNull();
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
  }

  private static JsonNode headersAsJson(RecordHeaders headers) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    for (Header h : headers) {
      node.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return node;
  }

  @Test
  void serializedHeatmapEventsValidate() throws Exception {
    JsonNode json = Json.MAPPER.readTree(HeatmapEventSerde.toJson(HeatmapEvents.sample()));
    assertThat(schema("heatmap-event").validate(json)).isEmpty();
  }

  @Test
  void aBoxLabelIsWrittenOnlyWhenThereIsOne() throws Exception {
    JsonNode json = Json.MAPPER.readTree(HeatmapEventSerde.toJson(HeatmapEvents.sample()));
    assertThat(json.path("boxes").get(0).path("label").asText()).isEqualTo("dog");
    assertThat(json.path("boxes").get(1).has("label")).isFalse();
    ((ObjectNode) json.path("boxes").get(0)).put("label", "");
    assertThat(schema("heatmap-event").validate(json)).isNotEmpty();
  }

  @Test
  void theHeatmapSchemaRejectsWhatTheRecordsReject() throws Exception {
    ObjectNode json =
        (ObjectNode) Json.MAPPER.readTree(HeatmapEventSerde.toJson(HeatmapEvents.sample()));
    json.remove("peak");
    ((ObjectNode) json.get("grid")).withArray("values").set(0, 1.5);
    json.put("model", "no-version");

    Set<ValidationMessage> errors = schema("heatmap-event").validate(json);

    assertThat(errors)
        .extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("peak"))
        .anySatisfy(m -> assertThat(m).contains("values[0]"))
        .anySatisfy(m -> assertThat(m).contains("model"));
  }

  @Test
  void frameHeadersWrittenBySerdesValidate() {
    RecordHeaders headers = new RecordHeaders();
    MediaSerdes.videoFrame(new MediaValidator())
        .serializer()
        .serialize(
            "avloc.frames",
            headers,
            new VideoFrame(17, ImageFormat.JPEG, TestImages.encoded("jpeg", 4, 4)));
    assertThat(schema("frame-headers").validate(headersAsJson(headers))).isEmpty();
  }

  @Test
  void audioHeadersWrittenBySerdesValidate() {
    RecordHeaders headers = new RecordHeaders();
    MediaSerdes.audioChunk(new MediaValidator())
        .serializer()
        .serialize("avloc.audio", headers, new AudioChunk(17, 48_000, 2, new byte[8]));
    assertThat(schema("audio-headers").validate(headersAsJson(headers))).isEmpty();
  }

  @Test
  void heatmapHeadersValidate() {
    RecordHeaders headers = new RecordHeaders();
    new HeatmapEventSerde()
        .serializer()
        .serialize("avloc.heatmaps", headers, HeatmapEvents.sample());
    assertThat(schema("heatmap-headers").validate(headersAsJson(headers))).isEmpty();
  }

  @Test
  void deadLetterHeadersNeedTheErrorStageAndSource() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        AvlocHeaders.ERROR, "frame header 'ts-us' is missing".getBytes(StandardCharsets.UTF_8));
    assertThat(schema("deadletter-headers").validate(headersAsJson(headers)))
        .extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("error-stage"))
        .anySatisfy(m -> assertThat(m).contains("source-topic"));

    headers.add(AvlocHeaders.ERROR_REASON, "MISSING_HEADER".getBytes(StandardCharsets.UTF_8));
    headers.add(AvlocHeaders.ERROR_STAGE, "validate".getBytes(StandardCharsets.UTF_8));
    headers.add(AvlocHeaders.SOURCE_TOPIC, "avloc.frames".getBytes(StandardCharsets.UTF_8));
    assertThat(schema("deadletter-headers").validate(headersAsJson(headers))).isEmpty();
  }

  @Test
  void aTruncatedDeadLetterAsWrittenValidatesAndItsTruncationHeadersGoTogether() {
    RecordHeaders original = new RecordHeaders();
    original.add(AvlocHeaders.TS_US, "1700000000000000".getBytes(StandardCharsets.UTF_8));
    io.avloc.core.media.DeadLetters.Letter letter =
        io.avloc.core.media.DeadLetters.of(
            "cam-1".getBytes(StandardCharsets.UTF_8),
            new byte[10_000],
            original,
            "odd PCM length",
            "ODD_PCM_LENGTH",
            "validate",
            "avloc.audio",
            2_000);
    assertThat(letter.truncated()).isTrue();
    assertThat(
            schema("deadletter-headers").validate(headersAsJson((RecordHeaders) letter.headers())))
        .isEmpty();

    letter.headers().remove(io.avloc.core.media.DeadLetters.PAYLOAD_SHA256);
    assertThat(
            schema("deadletter-headers").validate(headersAsJson((RecordHeaders) letter.headers())))
        .extracting(ValidationMessage::getMessage)
        .anySatisfy(m -> assertThat(m).contains("payload-sha256"));
  }
}
