package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AvlocCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = Avloc.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: avloc").contains("broker").contains("help");
  }

  @Test
  void noArgumentsPrintsTheUsage() {
    assertThat(run()).isZero();
    assertThat(out.toString()).contains("Usage: avloc");
  }

  @Test
  void versionNamesTheProduct() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("avloc ");
  }

  @Test
  void anUnknownFlagIsAOneLineErrorWithExitCode2() {
    assertThat(run("--frobnicate")).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("avloc: Unknown option: '--frobnicate' (see 'avloc --help')");
  }

  @Test
  void aBadValueIsAOneLineErrorWithExitCode2() {
    assertThat(run("broker", "--port", "ninety")).isEqualTo(2);
    assertThat(err.toString().strip().lines()).hasSize(1);
    assertThat(err.toString())
        .contains("avloc broker:")
        .contains("'ninety'")
        .contains("--port")
        .contains("see 'avloc broker --help'");
  }

  @Test
  void anUnknownSubcommandIsAUsageError() {
    assertThat(run("brokr")).isEqualTo(2);
    assertThat(err.toString()).contains("brokr");
  }

  @Test
  void brokerHelpDescribesItsOptions() {
    assertThat(run("broker", "--help")).isZero();
    assertThat(out.toString())
        .contains("--port")
        .contains("--controller-port")
        .contains("--data-dir")
        .contains("--fresh");
  }

  @Test
  void anOutOfRangePortFailsWithAClearMessage() {
    assertThat(run("broker", "--port", "70000")).isEqualTo(1);
    assertThat(err.toString()).contains("port must be in 1..65535, got 70000");
  }
}
