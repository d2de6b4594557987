package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AvlocCommandTest {

  private final CliRun cli = new CliRun();

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(cli.out()).contains("Usage: avloc").contains("broker").contains("help");
  }

  @Test
  void noArgumentsPrintsTheUsage() {
    assertThat(run()).isZero();
    assertThat(cli.out()).contains("Usage: avloc");
  }

  @Test
  void versionNamesTheProduct() {
    assertThat(run("--version")).isZero();
    assertThat(cli.out()).startsWith("avloc ");
  }

  @Test
  void anUnknownFlagIsAOneLineErrorWithExitCode2() {
    assertThat(run("--frobnicate")).isEqualTo(2);
    assertThat(cli.err().strip())
        .isEqualTo("avloc: Unknown option: '--frobnicate' (see 'avloc --help')");
  }

  @Test
  void aBadValueIsAOneLineErrorWithExitCode2() {
    assertThat(run("broker", "--port", "ninety")).isEqualTo(2);
    assertThat(cli.err().strip().lines()).hasSize(1);
    assertThat(cli.err())
        .contains("avloc broker:")
        .contains("'ninety'")
        .contains("--port")
        .contains("see 'avloc broker --help'");
  }

  @Test
  void anUnknownSubcommandIsAUsageError() {
    assertThat(run("brokr")).isEqualTo(2);
    assertThat(cli.err()).contains("brokr");
  }

  @Test
  void brokerHelpDescribesItsOptions() {
    assertThat(run("broker", "--help")).isZero();
    assertThat(cli.out())
        .contains("--port")
        .contains("--controller-port")
        .contains("--data-dir")
        .contains("--fresh");
  }

  @Test
  void anOutOfRangePortFailsWithAClearMessage() {
    assertThat(run("broker", "--port", "70000")).isEqualTo(1);
    assertThat(cli.err()).contains("port must be in 1..65535, got 70000");
  }
}
