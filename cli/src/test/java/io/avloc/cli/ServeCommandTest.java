package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.modelserver.engine.EngineOptions;
import io.avloc.modelserver.serve.ServeConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

  private final CliRun cli = new CliRun();

  @TempDir Path tmp;

  @Test
  void helpDescribesTheOptionsAndTheirDefaults() {
    assertThat(cli.run("serve", "--help")).isZero();
    assertThat(cli.out())
        .contains("--bootstrap")
        .contains("--model")
        .contains("models/default")
        .contains("--group")
        .contains("avloc-serve")
        .contains("--pairs-topic")
        .contains("--heatmaps-topic")
        .contains("--max-batch")
        .contains("--max-delay")
        .contains("10ms")
        .contains("--engine-threads")
        .contains("--http-port")
        .contains("9465")
        .contains("--instance-id")
        .contains("--engines")
        .contains("(default: onnxruntime)")
        .contains("--models");
  }

  @Test
  void anUnknownEngineIsAUsageErrorListingTheKnownOnes() {
    assertThat(cli.run("serve", "--engines", "tensorrt,cuda")).isEqualTo(2);
    assertThat(cli.err())
        .contains("--engines")
        .contains("unknown engine 'cuda'")
        .contains("onnxruntime,tensorrt,onnxruntime-gpu,pytorch");
    cli.clear();
    assertThat(cli.run("serve", "--engines", "onnxruntime, onnxruntime")).isEqualTo(2);
    assertThat(cli.err()).contains("--engines").contains("listed twice");
    cli.clear();
    assertThat(cli.run("serve", "--engines", " , ")).isEqualTo(2);
    assertThat(cli.err()).contains("--engines").contains("the engine list is empty");
  }

  @Test
  void modelAndModelsExcludeEachOther() {
    Path versions = tmp.resolve("versions");
    assertThat(cli.run("serve", "--model", "m", "--models", versions.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("--model and --models exclude each other");
    cli.clear();
    assertThat(cli.run("serve", "--models", versions.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("--models: " + versions + " is not a folder");
  }

  @Test
  void aMissingModelIsAUsageErrorThatSaysWhatToPass() {
    Path nowhere = tmp.resolve("no-model");
    assertThat(cli.run("serve", "--model", nowhere.toString())).isEqualTo(2);
    assertThat(cli.err())
        .contains("avloc serve:")
        .contains("no model artifact at " + nowhere)
        .contains("--model DIR");
  }

  @Test
  void badNumbersAreUsageErrorsNamingTheSetting() {
    assertThat(cli.run("serve", "--max-batch", "0")).isEqualTo(2);
    assertThat(cli.err()).contains("max batch must be at least 1, got 0");
    cli.clear();
    assertThat(cli.run("serve", "--http-port", "70000")).isEqualTo(2);
    assertThat(cli.err()).contains("HTTP port must be a port number");
    cli.clear();
    assertThat(cli.run("serve", "--max-delay", "soon")).isEqualTo(2);
    assertThat(cli.err()).contains("'soon' is not a duration");
  }

  @Test
  void theEngineRunsOnePairPerThreadOfAFullBatchUnlessToldOtherwise() {
    // as the streams application: a batch split into single-threaded parts, one pair each
    assertThat(engineOptions(4).cpuThreads()).isEqualTo(4);
    assertThat(engineOptions(4).maxBatch()).isEqualTo(4);
    assertThat(engineOptions(8, "--engine-threads", "2").cpuThreads()).isEqualTo(2);
    assertThat(engineOptions(8, "--engine-threads", "0").cpuThreads())
        .as("the runtime's pool")
        .isZero();
  }

  @Test
  void aNegativeEngineThreadCountIsAUsageErrorSayingWhatItMeans() {
    assertThat(cli.run("serve", "--engine-threads", "-1")).isEqualTo(2);
    assertThat(cli.err())
        .contains("--engine-threads must be 0 (ONNX Runtime's own pool) or a number of threads")
        .contains("not -1");
  }

  /** The engine options serve loads its models with, for these arguments and a max batch. */
  private static EngineOptions engineOptions(int maxBatch, String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.engineOptions(ServeConfig.builder().maxBatch(maxBatch).build());
  }

  @Test
  void streamsRefusesAnUnknownInferenceMode() {
    assertThat(cli.run("streams", "--inference", "gpu")).isEqualTo(2);
    assertThat(cli.err()).contains("embedded or distributed").contains("'gpu'");
  }
}
