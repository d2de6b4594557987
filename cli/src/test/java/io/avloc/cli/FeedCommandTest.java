package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.broker.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code avloc feed} argument handling; none of these reach a broker. */
class FeedCommandTest {

  private final CliRun cli = new CliRun();

  @TempDir Path tmp;

  private int run(String... args) {
    return cli.run(args);
  }

  private void assertOneLineUsageError(String... contains) {
    String e = cli.err().strip();
    assertThat(e.lines()).as(e).hasSize(1);
    assertThat(e).startsWith("avloc feed: ").contains("see 'avloc feed --help'");
    for (String c : contains) {
      assertThat(e).contains(c);
    }
  }

  @Test
  void helpDescribesTheSourcesAndOptions() {
    assertThat(run("feed", "--help")).isZero();
    assertThat(cli.out())
        .contains("--synthetic")
        .contains("--images")
        .contains("--audio")
        .contains("--video")
        .contains("--rtsp")
        .contains("--bootstrap")
        .contains("--frames-topic")
        .contains("--audio-topic")
        .contains("--cameras")
        .contains("--fps")
        .contains("--chunk-ms")
        .contains("--duration")
        .contains("--seed")
        .contains("--camera-id")
        .contains("--as-fast-as-possible");
  }

  @Test
  void aSourceIsRequired() {
    assertThat(run("feed")).isEqualTo(2);
    assertOneLineUsageError("--synthetic");
  }

  @Test
  void onlyOneSourceIsAllowed() {
    assertThat(run("feed", "--synthetic", "--rtsp", "rtsp://cam/1")).isEqualTo(2);
    assertOneLineUsageError("mutually exclusive");
  }

  @Test
  void imagesNeedAnAudioFile() {
    assertThat(run("feed", "--images", tmp.toString())).isEqualTo(2);
    assertOneLineUsageError("--audio");
  }

  @Test
  void aMissingFileIsAUsageError() {
    Path missing = tmp.resolve("missing.mp4");
    assertThat(run("feed", "--video", missing.toString())).isEqualTo(2);
    assertOneLineUsageError("--video", "missing.mp4", "does not exist");
  }

  @Test
  void badNumbersAreUsageErrors() {
    assertThat(run("feed", "--synthetic", "--fps", "0")).isEqualTo(2);
    assertOneLineUsageError("--fps must be between 1 and 240, got 0");
    cli.clear();
    assertThat(run("feed", "--synthetic", "--chunk-ms", "5")).isEqualTo(2);
    assertOneLineUsageError("--chunk-ms");
    cli.clear();
    assertThat(run("feed", "--synthetic", "--cameras", "0")).isEqualTo(2);
    assertOneLineUsageError("--cameras");
    cli.clear();
    assertThat(run("feed", "--synthetic", "--size", "huge")).isEqualTo(2);
    assertOneLineUsageError("--size");
    cli.clear();
    assertThat(run("feed", "--synthetic", "--duration", "3 parsecs")).isEqualTo(2);
    assertOneLineUsageError("--duration", "3 parsecs");
  }

  @Test
  void syntheticOptionsNeedSynthetic() throws Exception {
    Path video = Files.writeString(tmp.resolve("v.mp4"), "x");
    assertThat(run("feed", "--video", video.toString(), "--seed", "3")).isEqualTo(2);
    assertOneLineUsageError("--seed applies to --synthetic only");
    cli.clear();
    assertThat(run("feed", "--synthetic", "--loop")).isEqualTo(2);
    assertOneLineUsageError("--loop applies to --images and --video only");
  }

  @Test
  void anUnreachableBrokerIsAOneLineFailure() throws Exception {
    int port = KafkaBroker.freePort();
    assertThat(
            run(
                "feed",
                "--synthetic",
                "--bootstrap",
                "127.0.0.1:" + port,
                "--connect-timeout",
                "1s"))
        .isEqualTo(1);
    assertThat(cli.err().strip())
        .startsWith("avloc feed: no Kafka broker answers at 127.0.0.1:" + port + " (")
        .contains("Connection refused")
        .endsWith("start one (e.g. 'avloc broker') or pass --bootstrap HOST:PORT")
        .doesNotContain("\n");
  }

  @Test
  void durationsReadMillisecondsSecondsMinutesAndHours() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.convert("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.convert("1.5s")).isEqualTo(Duration.ofMillis(1_500));
    assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> c.convert("soon")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> c.convert("0s")).hasMessageContaining("out of range");
  }
}
