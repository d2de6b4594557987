package io.avloc.viewer;

import static io.avloc.viewer.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.broker.KafkaBroker;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.heatmap.HeatmapOverlay;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.media.GroundTruthHeaders;
import io.avloc.core.media.GroundTruthLabel;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.core.serde.Json;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.TestTopics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class HeatmapWatcherIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final long T0 = 1_700_000_000_000_000L;
  private static final int FW = 320;
  private static final int FH = 240;
  private static final int[] FRAME_COLOURS = {0x804020, 0x208040, 0x402080, 0x606060, 0x102030};

  private final HttpClient http = HttpClient.newHttpClient();

  // ---- helpers -------------------------------------------------------------------------------

  private static KafkaProducer<String, HeatmapEvent> heatmapProducer(KafkaBroker broker) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new StringSerializer(),
        new HeatmapEventSerde().serializer());
  }

  private static KafkaProducer<String, byte[]> bytesProducer(
      KafkaBroker broker, Map<String, Object> extra) {
    Map<String, Object> p = new java.util.HashMap<>(extra);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static void send(
      KafkaProducer<String, HeatmapEvent> producer, String topic, HeatmapEvent e, Headers h)
      throws Exception {
    producer.send(new ProducerRecord<>(topic, null, e.camera(), e, h)).get();
  }

  private static byte[] frameJpeg(int i) {
    return TestEvents.encode(TestEvents.solid(FW, FH, FRAME_COLOURS[i]), "jpg");
  }

  private static void sendFrames(KafkaBroker broker, String topic, String camera) throws Exception {
    try (KafkaProducer<String, byte[]> p = bytesProducer(broker, Map.of())) {
      for (int i = 0; i < FRAME_COLOURS.length; i++) {
        RecordHeaders h = new RecordHeaders();
        h.add("ts-us", Long.toString(T0 + i * 100_000L).getBytes(StandardCharsets.UTF_8));
        h.add("format", "jpeg".getBytes(StandardCharsets.UTF_8));
        p.send(new ProducerRecord<>(topic, null, camera, frameJpeg(i), h)).get();
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private HttpResponse<byte[]> get(HeatmapWatcher w, String path) throws Exception {
    URI uri = URI.create(w.httpUrl().orElseThrow()).resolve(path);
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private JsonNode cameras(HeatmapWatcher w) throws Exception {
    HttpResponse<byte[]> r = get(w, "/api/cameras");
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  private static long events(HeatmapWatcher w, String camera) {
    return w.snapshot().camera(camera).map(CameraSnapshot::events).orElse(0L);
  }

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xffffff;
  }

  // ---- tests ---------------------------------------------------------------------------------

  @Test
  void servesStatsAndOverlaysAndWritesPngs(KafkaBroker broker, @TempDir Path pngs)
      throws Exception {
    String heatmaps = TestTopics.unique("heatmaps");
    String frames = TestTopics.unique("frames");
    TestTopics.create(broker, 1, heatmaps, frames);
    sendFrames(broker, frames, "cam-a");
    String box = "0.5,0.5,1,1";
    try (KafkaProducer<String, HeatmapEvent> p = heatmapProducer(broker)) {
      // cam-a: two hits, one miss, one off-screen; the last event is on the middle frame (#2)
      send(p, heatmaps, event("cam-a", T0, 0.75, 0.75, 0.6, false), truth(box, true));
      send(p, heatmaps, event("cam-a", T0 + 100_000, 0.25, 0.25, 0.4, true), truth(box, true));
      send(p, heatmaps, event("cam-a", T0 + 300_000, 0.4, 0.4, 0.1, false), truth("", false));
      send(p, heatmaps, event("cam-a", T0 + 200_000, 0.6, 0.9, 0.8, false), truth(box, true));
      // cam-b: no frames, no ground truth
      send(p, heatmaps, event("cam-b", T0, 0.5, 0.5, 0.2, false), new RecordHeaders());
    }

    WatchConfig config =
        WatchConfig.builder(broker.bootstrapServers())
            .topic(heatmaps)
            .framesTopic(frames)
            .fromBeginning(true)
            .http(0)
            .pngDir(pngs)
            .pngInterval(Duration.ofMillis(200))
            .build();
    try (HeatmapWatcher w = HeatmapWatcher.start(config)) {
      assertThat(w.httpUrl().orElseThrow()).startsWith("http://127.0.0.1:");
      await(() -> events(w, "cam-a") == 4 && events(w, "cam-b") == 1, "all five events");
      await(
          () -> w.latestFrame("cam-a").map(f -> f.tsUs() == T0 + 400_000).orElse(false),
          "all frames");

      // the page's overlay follows the latest event at most once per overlay interval
      await(
          () ->
              w.pageSnapshot()
                  .frame("cam-a")
                  .map(f -> f.eventFrameTsUs() == T0 + 200_000 && f.paired())
                  .orElse(false),
          "cam-a's overlay of its latest event");
      JsonNode json = cameras(w);
      assertThat(json.get("cameras")).hasSize(2);
      JsonNode a = json.get("cameras").get(0);
      assertThat(a.get("camera").asText()).isEqualTo("cam-a");
      assertThat(a.get("events").asLong()).isEqualTo(4);
      assertThat(a.get("model").asText()).isEqualTo("tiny@1");
      assertThat(a.get("peakX").asDouble()).isEqualTo(0.6);
      assertThat(a.get("peakY").asDouble()).isEqualTo(0.9);
      assertThat(a.get("avScore").asDouble()).isEqualTo(0.8);
      assertThat(a.get("lastFrameTsUs").asLong()).isEqualTo(T0 + 200_000);
      assertThat(a.get("partialAudioShare").asDouble()).isEqualTo(0.25);
      JsonNode acc = a.get("accuracy");
      assertThat(acc.get("evaluated").asLong()).isEqualTo(3);
      assertThat(acc.get("hits").asLong()).isEqualTo(2);
      assertThat(acc.get("pointingAccuracy").asDouble()).isCloseTo(2.0 / 3, within());
      assertThat(acc.get("offscreen").asLong()).isEqualTo(1);
      // frames were captured in 2023: the end-to-end latency is their age
      assertThat(a.get("latencyMs").get("p50").asDouble()).isGreaterThan(1e9);
      JsonNode b = json.get("cameras").get(1);
      assertThat(b.get("camera").asText()).isEqualTo("cam-b");
      assertThat(b.get("accuracy").get("pointingAccuracy").isNull()).isTrue();
      assertThat(json.get("status").asText()).startsWith("reading " + heatmaps);
      // each camera's latest heatmap is paired with its own frame, or says why it has none
      JsonNode fa = json.get("frames").get(0);
      assertThat(fa.get("camera").asText()).isEqualTo("cam-a");
      assertThat(fa.get("status").asText()).isEqualTo("PAIRED");
      assertThat(fa.get("eventFrameTsUs").asLong()).isEqualTo(T0 + 200_000);
      assertThat(fa.get("frameTsUs").asLong()).isEqualTo(T0 + 200_000);
      JsonNode fb = json.get("frames").get(1);
      assertThat(fb.get("status").asText()).isEqualTo("NO_FRAMES");
      assertThat(fb.get("frameTsUs").isNull()).isTrue();
      assertThat(fb.get("reason").asText()).contains("no frame of this camera");

      // the overlay is drawn on the event's own frame (#2), not on the latest (#4)
      HttpResponse<byte[]> png = get(w, "/camera/cam-a/overlay.png");
      assertThat(png.statusCode()).isEqualTo(200);
      assertThat(png.headers().firstValue("Content-Type")).hasValue("image/png");
      BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(png.body()));
      assertThat(overlay.getWidth()).isEqualTo(FW);
      assertThat(overlay.getHeight()).isGreaterThanOrEqualTo(FH); // + the caption strip
      assertThat(rgb(overlay, 192, 216)).isEqualTo(HeatmapOverlay.PEAK_RGB); // peak 0.6, 0.9
      assertThat(rgb(overlay, 160, 180)).isEqualTo(HeatmapOverlay.TRUTH_RGB); // GT box edge
      HeatmapEvent last = w.latestEvent("cam-a").orElseThrow();
      GroundTruthLabel gt =
          GroundTruthHeaders.read(truth(box, true), GroundTruthHeaders.Parsing.LENIENT);
      OverlayRenderer renderer = new OverlayRenderer();
      BufferedImage onOwnFrame = renderer.render(ImageDecoder.decode(frameJpeg(2)), last, gt);
      BufferedImage onLatest = renderer.render(ImageDecoder.decode(frameJpeg(4)), last, gt);
      assertThat(rgb(overlay, 20, 120)).isEqualTo(rgb(onOwnFrame, 20, 120));
      assertThat(rgb(overlay, 20, 120)).isNotEqualTo(rgb(onLatest, 20, 120));

      // a camera without frames still gets an overlay, on a canvas
      BufferedImage canvas =
          ImageIO.read(new ByteArrayInputStream(get(w, "/camera/cam-b/overlay.png").body()));
      assertThat(canvas.getWidth()).isEqualTo(HeatmapOverlay.CANVAS_WIDTH);
      assertThat(get(w, "/camera/nobody/overlay.png").statusCode()).isEqualTo(404);
      HttpResponse<byte[]> frame = get(w, "/camera/cam-a/frame");
      assertThat(frame.statusCode()).isEqualTo(200);
      assertThat(frame.body()).isEqualTo(frameJpeg(4));

      HttpResponse<byte[]> page = get(w, "/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(new String(page.body(), StandardCharsets.UTF_8))
          .contains("<title>avloc watch</title>")
          .contains("/watch.js");
      assertThat(get(w, "/watch.js").statusCode()).isEqualTo(200);
      HttpResponse<byte[]> health = get(w, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(health.body()).get("status").asText()).isEqualTo("UP");
      HttpResponse<byte[]> post =
          http.send(
              HttpRequest.newBuilder(URI.create(w.httpUrl().orElseThrow() + "api/cameras"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(post.statusCode()).isEqualTo(405);

      // --png-dir: one file per camera, the overlay on the event's frame
      Path aPng = pngs.resolve("cam-a.png");
      Path bPng = pngs.resolve("cam-b.png");
      await(() -> Files.exists(aPng) && Files.exists(bPng), "overlay files");
      await(
          () -> {
            try {
              BufferedImage f = ImageIO.read(aPng.toFile());
              return f != null && rgb(f, 20, 120) == rgb(onOwnFrame, 20, 120);
            } catch (java.io.IOException e) {
              return false;
            }
          },
          "cam-a.png drawn on frame #2");
      assertThat(ImageIO.read(aPng.toFile()).getWidth()).isEqualTo(FW);
    }
  }

  @Test
  void withoutFromBeginningOnlyNewEventsAreShown(KafkaBroker broker) throws Exception {
    String heatmaps = TestTopics.unique("heatmaps");
    TestTopics.create(broker, 2, heatmaps);
    try (KafkaProducer<String, HeatmapEvent> p = heatmapProducer(broker)) {
      send(p, heatmaps, event("old", T0, 0.5, 0.5, 0, false), new RecordHeaders());
      WatchConfig config =
          WatchConfig.builder(broker.bootstrapServers()).topic(heatmaps).framesTopic(null).build();
      try (HeatmapWatcher w = HeatmapWatcher.start(config)) {
        assertThat(w.awaitReady(DEADLINE)).isTrue();
        send(p, heatmaps, event("new", T0, 0.5, 0.5, 0, false), new RecordHeaders());
        await(() -> events(w, "new") == 1, "the new event");
        assertThat(w.snapshot().camera("old")).isEmpty();
      }
    }
  }

  @Test
  void aTopicCreatedAfterTheStartIsReadFromItsBeginning(KafkaBroker broker) throws Exception {
    String heatmaps = TestTopics.unique("heatmaps");
    WatchConfig config =
        WatchConfig.builder(broker.bootstrapServers()).topic(heatmaps).framesTopic(null).build();
    try (HeatmapWatcher w = HeatmapWatcher.start(config)) {
      assertThat(w.awaitReady(DEADLINE)).isTrue();
      assertThat(w.heatmapStatus()).isEqualTo("waiting for topic " + heatmaps);
      TestTopics.create(broker, 1, heatmaps);
      try (KafkaProducer<String, HeatmapEvent> p = heatmapProducer(broker)) {
        send(p, heatmaps, event("cam", T0, 0.5, 0.5, 0, false), new RecordHeaders());
      }
      await(() -> events(w, "cam") == 1, "the event on the new topic");
    }
  }

  @Test
  void filtersCamerasSkipsInvalidRecordsAndAbortedTransactions(KafkaBroker broker)
      throws Exception {
    String heatmaps = TestTopics.unique("heatmaps");
    TestTopics.create(broker, 1, heatmaps);
    try (KafkaProducer<String, byte[]> p =
        bytesProducer(
            broker, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestTopics.unique("tx")))) {
      p.initTransactions();
      p.beginTransaction();
      p.send(json(heatmaps, event("cam-b", T0, 0.1, 0.1, 0, false)));
      p.abortTransaction();
      p.beginTransaction();
      p.send(json(heatmaps, event("cam-a", T0, 0.2, 0.2, 0, false)));
      p.send(new ProducerRecord<>(heatmaps, "cam-b", "{not json".getBytes(StandardCharsets.UTF_8)));
      p.send(json(heatmaps, event("cam-b", T0, 0.3, 0.3, 0, false)));
      p.send(json(heatmaps, event("cam-b", T0, 0.4, 0.4, 0, false)));
      p.commitTransaction();
    }
    StringWriter console = new StringWriter();
    WatchConfig config =
        WatchConfig.builder(broker.bootstrapServers())
            .topic(heatmaps)
            .framesTopic(null)
            .fromBeginning(true)
            .cameras(Set.of("cam-b"))
            .console(WatchConfig.ConsoleMode.LINES, new PrintWriter(console, true))
            .linesInterval(Duration.ofMillis(100))
            .build();
    try (HeatmapWatcher w = HeatmapWatcher.start(config)) {
      await(() -> events(w, "cam-b") == 2, "cam-b's committed events");
      WatchStats s = w.snapshot();
      assertThat(s.cameras()).extracting(CameraSnapshot::camera).containsExactly("cam-b");
      assertThat(s.camera("cam-b").orElseThrow().events()).isEqualTo(2);
      assertThat(s.camera("cam-b").orElseThrow().peakX()).isEqualTo(0.4);
      assertThat(s.invalidRecords()).isEqualTo(1);
      await(() -> console.toString().contains("camera=cam-b events=2"), "a console line");
    }
  }

  @Test
  void stopsAfterMaxEvents(KafkaBroker broker) throws Exception {
    String heatmaps = TestTopics.unique("heatmaps");
    TestTopics.create(broker, 1, heatmaps);
    try (KafkaProducer<String, HeatmapEvent> p = heatmapProducer(broker)) {
      for (int i = 0; i < 5; i++) {
        send(p, heatmaps, event("cam", T0 + i, 0.5, 0.5, 0, false), new RecordHeaders());
      }
    }
    WatchConfig config =
        WatchConfig.builder(broker.bootstrapServers())
            .topic(heatmaps)
            .framesTopic(null)
            .fromBeginning(true)
            .maxEvents(3)
            .build();
    try (HeatmapWatcher w = HeatmapWatcher.start(config)) {
      assertThat(w.awaitTermination(DEADLINE)).isTrue();
      assertThat(w.snapshot().totalEvents()).isEqualTo(3);
      assertThat(w.failure()).isEmpty();
    }
  }

  private static ProducerRecord<String, byte[]> json(String topic, HeatmapEvent e) {
    return new ProducerRecord<>(topic, e.camera(), HeatmapEventSerde.toJson(e));
  }

  private static Headers truth(String boxes, boolean onscreen) {
    return TestEvents.truthHeaders("dog", boxes, onscreen);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
