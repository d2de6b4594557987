package io.avloc.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/** The {@code avloc} command: wires the modules into subcommands. */
@Command(
    name = "avloc",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Real-time audio-visual sound-source localization on Kafka Streams and DJL.",
    subcommands = {
      DemoCommand.class,
      BrokerCommand.class,
      StreamsCommand.class,
      ServeCommand.class,
      FeedCommand.class,
      WatchCommand.class,
      ModelCommand.class,
      EvalCommand.class,
      TrainCommand.class,
      DataCommand.class,
      EnginesCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Run 'avloc <command> --help' for a command's options."})
public final class Avloc implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failure, 2 usage error). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Avloc());
    cmd.setParameterExceptionHandler(new OneLineUsageError());
    cmd.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("avloc " + commandLine.getCommandName() + ": " + message(e));
          return CommandLine.ExitCode.SOFTWARE;
        });
    return cmd;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** Bad flags and values: one line saying what was wrong and where to look, exit code 2. */
  static final class OneLineUsageError implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      String path = cmd.getCommandSpec().qualifiedName();
      err.println(path + ": " + ex.getMessage() + " (see '" + path + " --help')");
      return CommandLine.ExitCode.USAGE;
    }
  }
}
