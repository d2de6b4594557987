package io.avloc.modelserver.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.pair.AvPair;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.core.serde.Json;
import io.avloc.modelserver.PairInference;
import io.avloc.testkit.ImageBomb;
import io.avloc.testkit.MediaRecords;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Base64;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/localize} through a real HTTP client, the real batcher and a real model. */
class LocalizeEndpointTest {

  private static final long NOW_US = 1_700_000_100_000_000L;
  private static final int LIMIT = 1 << 20;

  private static LocalizeFixture localize;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    ServeConfig config = ServeConfig.builder().maxRequestBytes(LIMIT).build();
    localize = LocalizeFixture.start("serve-test", config, NOW_US);
  }

  @AfterAll
  static void stop() {
    localize.close();
  }

  /** A WAV file of a tone: {@code seconds} long at {@code rate} Hz with {@code channels}. */
  static byte[] wav(double seconds, int rate, int channels) throws Exception {
    int frames = (int) (seconds * rate);
    byte[] pcm = new byte[frames * channels * 2];
    for (int i = 0; i < frames; i++) {
      short v = (short) (9000 * Math.sin(2 * Math.PI * 523 * i / rate));
      for (int c = 0; c < channels; c++) {
        pcm[2 * (i * channels + c)] = (byte) v;
        pcm[2 * (i * channels + c) + 1] = (byte) (v >> 8);
      }
    }
    AudioFormat f = new AudioFormat(rate, 16, channels, true, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AudioSystem.write(
        new AudioInputStream(new ByteArrayInputStream(pcm), f, frames),
        AudioFileFormat.Type.WAVE,
        out);
    return out.toByteArray();
  }

  private static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  private static ObjectNode request(byte[] image, byte[] audio) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("camera", "door");
    n.put("frameTsUs", 1_700_000_000_000_000L);
    n.put("image", b64(image));
    n.put("audio", b64(audio));
    return n;
  }

  private static ObjectNode validRequest() throws Exception {
    return request(MediaRecords.jpeg(160, 120, 40), wav(3.5, 44_100, 2));
  }

  private HttpResponse<String> post(String body, String type) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(localize.url()))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(JsonNode body) throws Exception {
    return post(body.toString(), "application/json");
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    return Json.MAPPER.readTree(r.body());
  }

  /** Asserts a 4xx whose JSON error names {@code field} (or none) and says {@code says}. */
  private static void assertRefused(HttpResponse<String> r, int status, String field, String says)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode e = json(r);
    assertThat(e.path("error").asText()).contains(says);
    if (field == null) {
      assertThat(e.has("field")).isFalse();
    } else {
      assertThat(e.path("field").asText()).isEqualTo(field);
    }
  }

  @Test
  void anImageAndAWavGiveAHeatmapEvent() throws Exception {
    HttpResponse<String> r = post(validRequest());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    HeatmapEvent e = HeatmapEventSerde.fromJson(json(r).toString().getBytes());
    assertThat(e.camera()).isEqualTo("door");
    assertThat(e.frameTsUs()).isEqualTo(1_700_000_000_000_000L);
    assertThat(e.model()).isEqualTo(TestPairs.MODEL_ID);
    assertThat(e.grid().w()).isPositive();
    assertThat(e.audio().endUs() - e.audio().startUs()).isEqualTo(3_000_000L);
    assertThat(e.audio().startUs()).isEqualTo(1_700_000_000_000_000L - 1_500_000L);
    assertThat(e.audio().partial()).isFalse();
    assertThat(e.emittedAtUs()).isEqualTo(NOW_US);
  }

  @Test
  void theSameInputsGiveTheSameMapAsADirectCallOfTheModel() throws Exception {
    byte[] image = MediaRecords.jpeg(160, 120, 70);
    byte[] audio = wav(3.0, 16_000, 1);
    HeatmapEvent viaHttp =
        HeatmapEventSerde.fromJson(post(request(image, audio)).body().getBytes());

    float[] samples = new float[48_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) (9000 * Math.sin(2 * Math.PI * 523 * i / 16_000.0)) / 32767f;
    }
    AvPair pair =
        new AvPair(
            "door",
            new io.avloc.core.media.VideoFrame(
                1_700_000_000_000_000L, io.avloc.core.media.ImageFormat.JPEG, image),
            samples,
            0,
            3_000_000,
            false,
            0,
            0);
    HeatmapEvent direct =
        new PairInference(TestPairs.model(), 1, localize.registry, () -> NOW_US)
            .localize(java.util.List.of(pair), 0)
            .get(0);
    assertThat(viaHttp.grid()).isEqualTo(direct.grid());
    assertThat(viaHttp.avScore()).isEqualTo(direct.avScore());
  }

  @Test
  void badFieldsAreNamedIn400s() throws Exception {
    byte[] jpeg = MediaRecords.jpeg(64, 48, 1);
    byte[] wav = wav(3.2, 16_000, 1);

    ObjectNode badBase64 = request(jpeg, wav);
    badBase64.put("image", "not*base64!");
    assertRefused(post(badBase64), 400, "image", "not valid base64");

    assertRefused(
        post(request("GIF89a-not-a-jpeg".getBytes(), wav)),
        400,
        "image",
        "neither a JPEG nor a PNG");

    byte[] truncated = Arrays.copyOf(jpeg, 40);
    assertRefused(post(request(truncated, wav)), 400, "image", "does not decode");

    byte[] mp3 = {'I', 'D', '3', 3, 0, 0, 0, 0, 0, 0, 1, 2, 3};
    assertRefused(post(request(jpeg, mp3)), 400, "audio", "MP3");

    assertRefused(
        post(request(jpeg, wav(1.25, 48_000, 1))),
        400,
        "audio",
        "holds 1.25 s of audio; the model needs at least 3.00 s");

    ObjectNode noAudio = request(jpeg, wav);
    noAudio.remove("audio");
    assertRefused(post(noAudio), 400, "audio", "'audio' is missing");

    ObjectNode badTime = request(jpeg, wav);
    badTime.put("frameTsUs", "yesterday");
    assertRefused(post(badTime), 400, "frameTsUs", "non-negative integer");

    ObjectNode badCamera = request(jpeg, wav);
    badCamera.put("camera", 7);
    assertRefused(post(badCamera), 400, "camera", "non-empty string");

    assertRefused(post("{\"image\": ", "application/json"), 400, null, "not valid JSON");
    assertRefused(post("[1, 2]", "application/json"), 400, null, "JSON object");
  }

  @Test
  void anImageBombIsRefusedWith413FromItsHeaderAndValidRequestsStillWork() throws Exception {
    byte[] bomb = ImageBomb.png(13_000, 13_000); // 169 M pixels in a few hundred KB
    byte[] wav = wav(3.2, 16_000, 1);

    long t0 = System.nanoTime();
    HttpResponse<String> r = post(request(bomb, wav));
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertRefused(r, 413, "image", "13000x13000 pixels, over avloc's image limits");
    assertThat(r.body()).contains("downscale");
    System.out.printf("image bomb (%d bytes) refused with 413 in %d ms%n", bomb.length, ms);
    assertThat(post(validRequest()).statusCode()).isEqualTo(200);
  }

  @Test
  void wrongMethodTypeAndSizeGet405And415And413() throws Exception {
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(URI.create(localize.url())).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertRefused(get, 405, null, "use POST");
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");

    assertRefused(post(validRequest().toString(), "text/plain"), 415, null, "application/json");
    assertThat(post(validRequest().toString(), "application/json; charset=utf-8").statusCode())
        .isEqualTo(200);

    String huge = "{\"image\": \"" + "A".repeat(LIMIT) + "\"}";
    assertRefused(post(huge, "application/json"), 413, null, "over the limit of " + LIMIT);
  }

  @Test
  void responsesAreCountedByStatus() throws Exception {
    post(validRequest());
    post("nope", "application/json");

    String scrape = localize.registry.scrape();
    assertThat(scrape)
        .containsPattern("avloc_serve_http_requests_total\\{[^}]*status=\"200\"[^}]*\\} [1-9]")
        .containsPattern("avloc_serve_http_requests_total\\{[^}]*status=\"400\"[^}]*\\} [1-9]")
        .contains("avloc_inference_latency_seconds_bucket")
        .contains("avloc_batcher_queue_time_seconds_bucket");
  }
}
