package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WatchCommandTest {

  private final CliRun cli = new CliRun();

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void helpDescribesTheOptions() {
    assertThat(run("watch", "--help")).isZero();
    assertThat(cli.out())
        .contains("--bootstrap")
        .contains("127.0.0.1:9092")
        .contains("--topic")
        .contains("avloc.heatmaps")
        .contains("--frames-topic")
        .contains("avloc.frames")
        .contains("--camera")
        .contains("--png-dir")
        .contains("--http")
        .contains("--http-host")
        .contains("--from-beginning")
        .contains("--duration");
  }

  @Test
  void theTopLevelHelpListsWatch() {
    assertThat(run("--help")).isZero();
    assertThat(cli.out()).contains("watch");
  }

  @Test
  void anUnknownFlagIsAOneLineUsageError() {
    assertThat(run("watch", "--frobnicate")).isEqualTo(2);
    assertThat(cli.err().strip())
        .isEqualTo("avloc watch: Unknown option: '--frobnicate' (see 'avloc watch --help')");
  }

  @Test
  void aBadDurationIsAOneLineUsageError() {
    assertThat(run("watch", "--duration", "soon")).isEqualTo(2);
    assertThat(cli.err().strip().lines()).hasSize(1);
    assertThat(cli.err()).contains("'soon' is not a duration").contains("--duration");
  }

  @Test
  void anOutOfRangePortIsAUsageError() {
    assertThat(run("watch", "--http", "70000")).isEqualTo(2);
    assertThat(cli.err()).contains("--http port must be in 0..65535, got 70000");
  }

  @Test
  void aBusyPortFailsAtOnceWithAClearMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThat(run("watch", "--bootstrap", "127.0.0.1:1", "--http", Integer.toString(port)))
          .isEqualTo(1);
      assertThat(cli.err().strip().lines()).hasSize(1);
      assertThat(cli.err())
          .startsWith("avloc watch: cannot serve the web page on 127.0.0.1:" + port)
          .contains("already in use");
    }
  }

  @Test
  void durationsReadAsPeopleWriteThem() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.convert("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.convert("1.5m")).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.convert("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(c.convert("PT5M")).isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> c.convert("5 parsecs"))
        .isInstanceOf(CommandLine.TypeConversionException.class);
  }
}
