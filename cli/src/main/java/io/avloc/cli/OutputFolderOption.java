package io.avloc.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The required {@code --out DIR} of commands that write a folder ({@code @Mixin}). */
final class OutputFolderOption {

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
  Path out;
}
