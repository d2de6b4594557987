package io.avloc.core.pair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.TestImages;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.InvalidPairException.Reason;
import io.avloc.core.serde.Json;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PairCodecTest {

  private static final long T = 1_700_000_003_000_000L;
  private static final byte[] KEY = "cam-1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PNG = TestImages.encoded("png", 12, 8);

  /** A 3 s window whose samples lie on the 16-bit grid, as the synchronizer's do. */
  private static AvPair pair(boolean partial) {
    Random r = new Random(5);
    float[] audio = new float[48_000];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (short) r.nextInt(-32767, 32768) / 32767f;
    }
    return new AvPair(
        "cam-1",
        new VideoFrame(T, ImageFormat.PNG, PNG),
        audio,
        T - 2_500_000,
        T + 500_000,
        partial,
        T + 40,
        T + 520_300);
  }

  private static Headers headersOf(AvPair p) {
    Headers h = new RecordHeaders();
    h.add("gt-class", "dog".getBytes(StandardCharsets.UTF_8));
    PairCodec.encode(p, h);
    return h;
  }

  @Test
  void aPairSurvivesTheRoundTripBitForBit() {
    AvPair p = pair(true);
    Headers h = headersOf(p);
    byte[] value = PairCodec.serializer().serialize("avloc.pairs", h, p);

    AvPair back = PairCodec.decode(KEY, h, value, 0);

    assertThat(back.camera()).isEqualTo("cam-1");
    assertThat(back.frame()).isEqualTo(p.frame());
    assertThat(back.audio()).containsExactly(p.audio());
    assertThat(back.audioStartUs()).isEqualTo(p.audioStartUs());
    assertThat(back.audioEndUs()).isEqualTo(p.audioEndUs());
    assertThat(back.partial()).isTrue();
    assertThat(back.arrivedAtUs()).isEqualTo(p.arrivedAtUs());
    assertThat(back.readyAtUs()).isEqualTo(p.readyAtUs());
    assertThat(new String(h.lastHeader("gt-class").value(), StandardCharsets.UTF_8))
        .as("pass-through headers stay")
        .isEqualTo("dog");
  }

  @Test
  void theValueIsTheDocumentedEnvelope() {
    AvPair p = pair(false);
    byte[] value = PairCodec.encode(p, new RecordHeaders());

    ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[4];
    b.get(magic);
    assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("AVPR");
    assertThat(b.get()).isEqualTo((byte) 1);
    assertThat(b.getInt()).isEqualTo(PNG.length);
    byte[] image = new byte[PNG.length];
    b.get(image);
    assertThat(image).isEqualTo(PNG);
    assertThat(b.remaining()).isEqualTo(2 * 48_000);
    for (int i = 0; i < 48_000; i++) {
      assertThat(b.getShort() / 32767f).isEqualTo(p.audio()[i]);
    }
  }

  @Test
  void theWrittenHeadersMatchTheSchema() throws Exception {
    Headers h = headersOf(pair(false));
    ObjectNode json = Json.MAPPER.createObjectNode();
    for (Header header : h) {
      json.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    InputStream in = getClass().getResourceAsStream("/io/avloc/schemas/pair-headers.schema.json");
    assertThat(in).isNotNull();
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);

    assertThat(schema.validate(json)).isEmpty();
    json.put("partial", "yes");
    json.remove("audio-end-us");
    assertThat(schema.validate(json)).hasSize(2);
  }

  @Test
  void wallClockHeadersAreOptionalAndDefaultToTheReadersClock() {
    AvPair p = pair(false);
    Headers h = headersOf(p);
    byte[] value = PairCodec.encode(p, h);
    h.remove(PairHeaders.ARRIVED_AT_US);
    h.remove(PairHeaders.READY_AT_US);

    AvPair back = PairCodec.decode(KEY, h, value, 42L);

    assertThat(back.arrivedAtUs()).isEqualTo(42L);
    assertThat(back.readyAtUs()).isEqualTo(42L);
  }

  /** One broken record per rejection reason: what breaks it, and a word the message must say. */
  static Stream<Arguments> brokenRecords() {
    return Stream.of(
        broken(Reason.MISSING_KEY, "camera id", r -> r.key = null),
        broken(Reason.MISSING_KEY, "camera id", r -> r.key = new byte[0]),
        broken(Reason.MISSING_HEADER, "'audio-start-us'", r -> r.remove("audio-start-us")),
        broken(Reason.MISSING_HEADER, "'ts-us'", r -> r.remove("ts-us")),
        broken(Reason.BAD_HEADER, "not an integer", r -> r.set("ts-us", "noon")),
        broken(Reason.BAD_HEADER, "negative", r -> r.set("ts-us", "-5")),
        broken(Reason.BAD_HEADER, "not an integer", r -> r.set("ready-at-us", "soon")),
        broken(Reason.BAD_HEADER, "true or false", r -> r.set("partial", "maybe")),
        broken(Reason.BAD_HEADER, "'webp'", r -> r.set("format", "webp")),
        broken(Reason.BAD_SAMPLE_RATE, "44100", r -> r.set("sample-rate", "44100")),
        broken(Reason.NOT_A_PAIR, "3 bytes", r -> r.value = new byte[3]),
        broken(Reason.NOT_A_PAIR, "missing", r -> r.value = null),
        broken(Reason.NOT_A_PAIR, "magic", r -> r.value = Arrays.copyOf(PNG, PNG.length)),
        broken(Reason.NOT_A_PAIR, "bare frame", PairCodecTest::bareFrame),
        broken(Reason.UNSUPPORTED_VERSION, "version 2", r -> r.value[4] = 2),
        broken(Reason.TRUNCATED, "truncated", r -> r.value = Arrays.copyOf(r.value, 9 + 10)),
        broken(Reason.EMPTY_IMAGE, "no image", r -> r.value = envelope(new byte[0], 48_000)),
        broken(
            Reason.UNDECODABLE_IMAGE, "signature", r -> r.value = envelope(new byte[20], 48_000)),
        broken(Reason.FORMAT_MISMATCH, "'jpeg'", r -> r.set("format", "jpeg")),
        broken(
            Reason.ODD_PCM_LENGTH,
            "odd",
            r -> r.value = Arrays.copyOf(r.value, r.value.length - 1)),
        broken(Reason.AUDIO_TOO_SHORT, "512", r -> shortWindow(r, 100)),
        broken(Reason.WINDOW_MISMATCH, "disagree", r -> r.set("audio-end-us", Long.toString(T))));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("brokenRecords")
  void everyBrokenRecordIsRejectedWithItsReason(Reason reason, String says, Consumer<Raw> breakIt) {
    Raw r = new Raw(pair(false));
    breakIt.accept(r);

    assertThatThrownBy(() -> PairCodec.decode(r.key, r.headers, r.value, 0))
        .isInstanceOfSatisfying(
            InvalidPairException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(says);
  }

  private static Arguments broken(Reason reason, String says, Consumer<Raw> breakIt) {
    return Arguments.of(reason, says, breakIt);
  }

  private static byte[] envelope(byte[] image, int samples) {
    return ByteBuffer.allocate(9 + image.length + 2 * samples)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(PairCodec.MAGIC)
        .put((byte) 1)
        .putInt(image.length)
        .put(image)
        .array();
  }

  /** A frame record sent to the pairs topic by mistake: no envelope and none of the headers. */
  private static void bareFrame(Raw r) {
    r.value = Arrays.copyOf(PNG, PNG.length);
    for (Header h : r.headers.toArray()) {
      r.headers.remove(h.key());
    }
  }

  private static void shortWindow(Raw r, int samples) {
    r.value = envelope(PNG, samples);
    r.set("audio-end-us", Long.toString(T - 2_500_000 + samples * 1_000_000L / 16_000));
  }

  /** A record's raw parts, for breaking them. */
  static final class Raw {
    byte[] key = KEY;
    final Headers headers;
    byte[] value;

    Raw(AvPair p) {
      headers = new RecordHeaders();
      value = PairCodec.encode(p, headers);
    }

    void remove(String name) {
      headers.remove(name);
    }

    void set(String name, String v) {
      headers.remove(name);
      headers.add(name, v.getBytes(StandardCharsets.UTF_8));
    }
  }
}
