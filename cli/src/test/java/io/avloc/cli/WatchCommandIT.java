package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.broker.KafkaBroker;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.testkit.KafkaBrokerExtension;
import io.avloc.testkit.TestTopics;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(KafkaBrokerExtension.class)
class WatchCommandIT {

  private static HeatmapEvent event(String camera, long tsUs, double x) {
    return new HeatmapEvent(
        camera,
        tsUs,
        "tiny@1",
        "fnac",
        new HeatmapEvent.Grid(2, 2, new float[] {0, 1, 0, 0}),
        new HeatmapEvent.Peak(x, 0.25, 0.9),
        0.5,
        List.of(),
        new HeatmapEvent.AudioWindow(tsUs - 1000, tsUs, false),
        new HeatmapEvent.Latency(1, 1, 1, 3),
        tsUs + 3000);
  }

  @Test
  void watchesUntilMaxEventsAndWritesOverlays(KafkaBroker broker, @TempDir Path dir)
      throws Exception {
    String heatmaps = TestTopics.unique("heatmaps");
    TestTopics.create(broker, 1, heatmaps);
    try (KafkaProducer<String, HeatmapEvent> p =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringSerializer(),
            new HeatmapEventSerde().serializer())) {
      for (int i = 0; i < 3; i++) {
        HeatmapEvent e = event("cam-1", 1_700_000_000_000_000L + i, 0.25 * (i + 1));
        p.send(new ProducerRecord<>(heatmaps, e.camera(), e)).get();
      }
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Avloc.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    Path pngs = dir.resolve("overlays");
    int code =
        cmd.execute(
            "watch",
            "--bootstrap",
            broker.bootstrapServers(),
            "--topic",
            heatmaps,
            "--frames-topic",
            TestTopics.unique("no-frames"),
            "--from-beginning",
            "--max-events",
            "3",
            "--duration",
            "120s",
            "--plain",
            "--png-dir",
            pngs.toString());
    assertThat(code).as("stderr: %s", err).isZero();
    assertThat(err.toString()).contains("reading " + heatmaps);
    assertThat(out.toString()).contains("camera=cam-1 events=3").contains("peak=0.75,0.25");
    Path png = pngs.resolve("cam-1.png");
    assertThat(png).exists();
    BufferedImage img = ImageIO.read(Files.newInputStream(png));
    assertThat(img.getWidth()).isEqualTo(640);
    assertThat(img.getRGB(480, 160) & 0xffffff).isEqualTo(0xffffff); // the peak at 0.75, 0.25
  }
}
