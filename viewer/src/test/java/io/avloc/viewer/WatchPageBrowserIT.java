package io.avloc.viewer;

import static io.avloc.viewer.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.AvlocHeaders;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.TestTopics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer's web page in a real browser (headless Chromium) on a real broker: each heatmap is
 * shown on the exact frame it was computed on, and a heatmap whose frame is gone is shown as such,
 * with the reason, never on another frame.
 */
@ExtendWith(KafkaBrokerExtension.class)
class WatchPageBrowserIT {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final long T0 = 1_700_000_000_000_000L;
  private static final long S = 1_000_000;
  private static final int FW = 320;
  private static final int FH = 240;
  private static final int RED = 0xC00000;
  private static final int GREEN = 0x00C000;

  /** cam-near: 10 frames 40 ms apart, only #5 red; its heatmap is of frame #5. */
  private static final long NEAR_EVENT_TS = T0 + 5 * 40_000;

  /** cam-late: 10 frames 1 s apart, the cache keeps 3 s; its heatmap is of frame #1, long gone. */
  private static final long LATE_EVENT_TS = T0 + S;

  @Test
  void thePageShowsEachHeatmapOnItsOwnFrameOrSaysWhyNot(KafkaBroker broker, @TempDir Path tmp)
      throws Exception {
    HeadlessChromium chromium = HeadlessChromium.find(tmp);
    String heatmaps = TestTopics.unique("heatmaps");
    String frames = TestTopics.unique("frames");
    TestTopics.create(broker, 1, heatmaps, frames);
    try (KafkaProducer<String, byte[]> p = producer(broker)) {
      for (int i = 0; i < 10; i++) {
        sendFrame(p, frames, "cam-near", T0 + i * 40_000L, i == 5 ? RED : GREEN);
        sendFrame(p, frames, "cam-late", T0 + i * S, GREEN);
      }
      sendEvent(p, heatmaps, event("cam-near", NEAR_EVENT_TS, 0.9, 0.9, 0.5, false));
      sendEvent(p, heatmaps, event("cam-late", LATE_EVENT_TS, 0.9, 0.9, 0.5, false));
      sendEvent(p, heatmaps, event("cam-dark", T0, 0.9, 0.9, 0.5, false));
    }
    WatchConfig config =
        WatchConfig.builder(broker.bootstrapServers())
            .topic(heatmaps)
            .framesTopic(frames)
            .fromBeginning(true)
            .frameRetention(Duration.ofSeconds(3))
            .http(0)
            .build();
    try (HeatmapWatcher w = HeatmapWatcher.start(config)) {
      await(
          () ->
              status(w, "cam-near") == FrameCache.Status.PAIRED
                  && status(w, "cam-late") == FrameCache.Status.EVICTED
                  && status(w, "cam-dark") == FrameCache.Status.NO_FRAMES
                  && w.latestFrame("cam-late").map(f -> f.tsUs() == T0 + 9 * S).orElse(false),
          "all events and frames read");
      String url = w.httpUrl().orElseThrow();

      String dom = chromium.dumpDom(url);
      Files.writeString(tmp.resolve("page.html"), dom);

      Map<String, String> near = card(dom, "cam-near");
      assertThat(near).containsEntry("data-frame-status", "paired");
      assertThat(near).containsEntry("data-event-frame-ts-us", Long.toString(NEAR_EVENT_TS));
      assertThat(near).containsEntry("data-frame-ts-us", Long.toString(NEAR_EVENT_TS));
      assertThat(near.get("class")).doesNotContain("no-frame");
      assertThat(near.get("note")).startsWith("On its own frame, captured ");
      // the browser loaded the overlay of exactly the event the data describes
      assertThat(near.get("img-src")).contains("event=" + near.get("data-event-seq"));
      assertThat(near.get("img-data-event-seq")).isEqualTo(near.get("data-event-seq"));

      Map<String, String> late = card(dom, "cam-late");
      assertThat(late).containsEntry("data-frame-status", "evicted");
      assertThat(late).containsEntry("data-event-frame-ts-us", Long.toString(LATE_EVENT_TS));
      assertThat(late).containsEntry("data-frame-ts-us", "");
      assertThat(late.get("class")).contains("no-frame");
      assertThat(late.get("note"))
          .contains("shown without that frame")
          .contains("dropped from the frame cache")
          .contains("3 s behind each camera");
      assertThat(late.get("img-data-event-seq")).isEqualTo(late.get("data-event-seq"));

      Map<String, String> dark = card(dom, "cam-dark");
      assertThat(dark).containsEntry("data-frame-status", "no_frames");
      assertThat(dark.get("note")).contains("no frame of this camera has arrived");

      // the pictures agree: cam-near's heatmap is blended over the red frame #5, not the newest
      // (green) one; cam-late's is on the blank canvas, not on any of its green frames
      BufferedImage nearPng = overlay(url, "cam-near", near.get("data-event-seq"));
      assertThat(nearPng.getWidth()).isEqualTo(FW);
      int px = nearPng.getRGB(40, 120); // a cold cell, away from the peak
      assertThat((px >> 16) & 0xff).isGreaterThan(80);
      assertThat((px >> 8) & 0xff).isLessThan(30);
      BufferedImage latePng = overlay(url, "cam-late", late.get("data-event-seq"));
      int lp = latePng.getRGB(40, 120);
      assertThat((lp >> 8) & 0xff).isLessThan(30); // no green frame underneath

      // and a person sees it: the screenshot shows the red frame under cam-near's heatmap
      Path shot = chromium.screenshot(url, tmp.resolve("watch.png"), 1400, 900);
      BufferedImage screen = ImageIO.read(shot.toFile());
      assertThat(screen.getWidth()).isEqualTo(1400);
      assertThat(countReddish(screen)).as("red-frame pixels in the screenshot").isGreaterThan(5000);
    }
  }

  // ---- the page's DOM ------------------------------------------------------------------------

  private static final Pattern ATTR = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");

  /** The attributes of a camera's card, its note's text and its image's source and event. */
  private static Map<String, String> card(String dom, String camera) {
    Matcher m =
        Pattern.compile(
                "<section ([^>]*data-camera=\""
                    + Pattern.quote(camera)
                    + "\"[^>]*)>(.*?)</section>",
                Pattern.DOTALL)
            .matcher(dom);
    assertThat(m.find()).as("a card for %s in the page:%n%s", camera, dom).isTrue();
    Map<String, String> out = new HashMap<>(attributes(m.group(1)));
    String body = m.group(2);
    Matcher note =
        Pattern.compile("<p class=\"frame-note\">(.*?)</p>", Pattern.DOTALL).matcher(body);
    assertThat(note.find()).as("the frame note of %s", camera).isTrue();
    out.put("note", note.group(1).replace("&nbsp;", " "));
    Matcher img = Pattern.compile("<img ([^>]*)>").matcher(body);
    assertThat(img.find()).as("the overlay of %s", camera).isTrue();
    Map<String, String> imgAttrs = attributes(img.group(1));
    out.put("img-src", imgAttrs.getOrDefault("src", ""));
    out.put("img-data-event-seq", imgAttrs.getOrDefault("data-event-seq", ""));
    return out;
  }

  private static Map<String, String> attributes(String tag) {
    Map<String, String> out = new HashMap<>();
    Matcher a = ATTR.matcher(tag);
    while (a.find()) {
      out.put(a.group(1), a.group(2).replace("&amp;", "&"));
    }
    return out;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static FrameCache.Status status(HeatmapWatcher w, String camera) {
    return w.snapshot().frame(camera).map(FramePairing::status).orElse(null);
  }

  private static BufferedImage overlay(String url, String camera, String seq) throws Exception {
    HttpResponse<byte[]> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(url + "camera/" + camera + "/overlay.png?event=" + seq))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    return ImageIO.read(new ByteArrayInputStream(r.body()));
  }

  private static long countReddish(BufferedImage img) {
    long n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        if (((p >> 16) & 0xff) > 80 && ((p >> 8) & 0xff) < 30) {
          n++;
        }
      }
    }
    return n;
  }

  private static KafkaProducer<String, byte[]> producer(KafkaBroker broker) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static void sendFrame(
      KafkaProducer<String, byte[]> p, String topic, String camera, long tsUs, int rgb)
      throws Exception {
    RecordHeaders h = new RecordHeaders();
    h.add(AvlocHeaders.TS_US, Long.toString(tsUs).getBytes(StandardCharsets.UTF_8));
    h.add(AvlocHeaders.FORMAT, "jpeg".getBytes(StandardCharsets.UTF_8));
    byte[] jpeg = TestEvents.encode(TestEvents.solid(FW, FH, rgb), "jpg");
    p.send(new ProducerRecord<>(topic, null, camera, jpeg, h)).get();
  }

  private static void sendEvent(KafkaProducer<String, byte[]> p, String topic, HeatmapEvent e)
      throws Exception {
    p.send(new ProducerRecord<>(topic, e.camera(), HeatmapEventSerde.toJson(e))).get();
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
}
