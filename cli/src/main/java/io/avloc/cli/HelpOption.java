package io.avloc.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h, --help} alone ({@code @Mixin}), for commands that cannot take picocli's standard help
 * options because they define their own {@code --version}: declared explicitly, the help option
 * works without the command's required options.
 */
final class HelpOption {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;
}
