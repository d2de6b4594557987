package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

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

  /** Every command path, e.g. ["model", "init"], found by walking the real command tree. */
  static Stream<List<String>> commandPaths() {
    List<List<String>> paths = new ArrayList<>();
    collect(Avloc.commandLine(), new ArrayList<>(), paths);
    return paths.stream();
  }

  private static void collect(CommandLine cmd, List<String> path, List<List<String>> into) {
    for (var e : cmd.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      List<String> sub = new ArrayList<>(path);
      sub.add(e.getKey());
      into.add(sub);
      collect(e.getValue(), sub, into);
    }
  }

  @ParameterizedTest
  @MethodSource("commandPaths")
  void everyCommandPrintsItsUsageOnHelpAndExitsZero(List<String> path) {
    for (String flag : List.of("--help", "-h")) {
      cli.clear();
      List<String> args = new ArrayList<>(path);
      args.add(flag);
      assertThat(run(args.toArray(String[]::new))).as("%s %s: %s", path, flag, cli.err()).isZero();
      assertThat(cli.out()).contains("Usage: avloc " + String.join(" ", path) + " ");
      assertThat(cli.err()).isEmpty();
    }
  }

  @Test
  void theCommandListShowsEachCommandsSummaryAsAWholeSentence() {
    assertThat(run("--help")).isZero();
    String list = cli.out().substring(cli.out().indexOf("Commands:"));
    for (String name : Avloc.commandLine().getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      String header =
          String.join(
              " ",
              Avloc.commandLine()
                  .getSubcommands()
                  .get(name)
                  .getCommandSpec()
                  .usageMessage()
                  .header());
      assertThat(header).as(name).endsWith(".");
      // The summary is printed whole (wrapped, never cut): compare without the wrapping.
      assertThat(list.replaceAll("\\s+", " ")).as(name).contains(name + " " + header);
    }
  }
}
