package io.avloc.cli;

import io.avloc.training.ProgressBar;
import io.avloc.training.synth.Catalog;
import io.avloc.training.synth.CatalogCounts;
import io.avloc.training.synth.CatalogEntry;
import io.avloc.training.synth.Split;
import io.avloc.training.synth.SynthBenchmark;
import io.avloc.training.synth.SynthSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avloc data}: makes datasets. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    header = "Makes datasets for training and evaluation.",
    subcommands = {DataCommand.Synth.class, DataCommand.CatalogReport.class})
final class DataCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code avloc data synth}: the realistic synthetic benchmark in the VGG-SS layout. */
  @Command(
      name = "synth",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      header = "Generates the realistic synthetic audio-visual benchmark.",
      description =
          "Generates the realistic synthetic audio-visual benchmark: real recorded sounds "
              + "and real cut-outs from Debian packages composed on real photos, with silent "
              + "distractors and off-screen, mismatched, two-source and noise-only clips "
              + "(docs/benchmark-data.md). Writes DIR/frames/<id>.jpg (256x256), "
              + "DIR/audio/<id>.wav (3 s, 16 kHz mono 16-bit), DIR/vggss.json and "
              + "DIR/manifest.jsonl (provenance and licence of every file). Fetch the media "
              + "first with training/fetch-benchmark-assets.sh (no root needed).")
  static final class Synth implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin OutputFolderOption output;

    @Option(names = "--clips", required = true, paramLabel = "N", description = "clips to make")
    int clips;

    @Option(
        names = "--split",
        defaultValue = "train",
        paramLabel = "train|test",
        description = "which media to use; the two share no file (default: ${DEFAULT-VALUE})")
    String split;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description =
            "random seed; the same arguments give the same bytes (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--assets",
        paramLabel = "DIR",
        description =
            "asset cache of training/fetch-benchmark-assets.sh (default: $"
                + SynthBenchmark.CACHE_ENV
                + " or ~/.cache/avloc/benchmark-assets)")
    Path assets;

    @Option(
        names = "--threads",
        defaultValue = "2",
        description = "clips made at once; does not change the output (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
        names = "--catalog",
        paramLabel = "FILE",
        description =
            "a media catalog other than the bundled one (tab-separated: class kind split"
                + " path package licence group)")
    Path catalogFile;

    @Override
    public Integer call() {
      if (clips < 1) {
        throw new ParameterException(
            spec.commandLine(), "--clips must be at least 1, got " + clips);
      }
      if (threads < 1) {
        throw new ParameterException(
            spec.commandLine(), "--threads must be at least 1, got " + threads);
      }
      Split s;
      try {
        s = Split.of(split);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
      }
      try {
        SynthBenchmark.checkOutput(output.out);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--out: " + e.getMessage());
      }
      Catalog catalog;
      try {
        catalog = catalogFile == null ? Catalog.bundled() : Catalog.load(catalogFile);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--catalog: " + e.getMessage());
      }
      Path from = assets == null ? SynthBenchmark.defaultAssets() : assets;
      ProgressBar bar = new ProgressBar(System.err, "synth " + s.label(), clips, "clips");
      SynthSummary summary =
          SynthBenchmark.generate(catalog, from, output.out, clips, s, seed, threads, bar::step);
      bar.finish();
      PrintWriter w = spec.commandLine().getOut();
      w.print(summary.describe());
      w.flush();
      return 0;
    }
  }

  /**
   * {@code avloc data catalog}: the per-class counts of the media catalog (the table in
   * docs/benchmark-data.md), and with {@code --assets} a check that every file is there.
   */
  @Command(
      name = "catalog",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      header = "Prints the per-class pictures and sound sources of the media catalog.",
      description = {
        "Prints, per on-screen class, the distinct pictures (per split and style: photo cut-out,"
            + " clip-art, emoji) and sound sources (recorded + soundfont renders) of the media"
            + " catalog, as a Markdown table.",
        "With --assets, also checks that every catalogued file is in the asset cache (exit code"
            + " 1 naming the missing ones)."
      })
  static final class CatalogReport implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--catalog",
        paramLabel = "FILE",
        description = "a media catalog other than the bundled one")
    Path catalogFile;

    @Option(
        names = "--assets",
        paramLabel = "DIR",
        description = "asset cache of training/fetch-benchmark-assets.sh to check")
    Path assets;

    @Override
    public Integer call() {
      Catalog catalog;
      try {
        catalog = catalogFile == null ? Catalog.bundled() : Catalog.load(catalogFile);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--catalog: " + e.getMessage());
      }
      PrintWriter w = spec.commandLine().getOut();
      w.print(CatalogCounts.of(catalog).markdown());
      int status = 0;
      if (assets != null) {
        List<CatalogEntry> missing = catalog.missingFiles(assets);
        w.printf(
            "%nasset cache %s: %d of %d catalogued files present%n",
            assets, catalog.entries().size() - missing.size(), catalog.entries().size());
        for (CatalogEntry e : missing) {
          w.printf("missing: %s (package %s)%n", e.path(), e.pkg());
        }
        if (!missing.isEmpty()) {
          w.println("run training/fetch-benchmark-assets.sh " + assets + " to fetch them");
          status = 1;
        }
      }
      w.flush();
      return status;
    }
  }
}
