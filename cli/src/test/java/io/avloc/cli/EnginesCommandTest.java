package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.util.cuda.CudaUtils;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesCommandTest {

  @TempDir Path tmp;

  private final CliRun cli = new CliRun();

  @Test
  void showsWhichEngineRuntimesWorkHereAndWhyTheOthersDoNot() {
    assertThat(cli.run("engines")).as(cli.err()).isZero();
    String out = cli.out();
    assertThat(out)
        .contains("engine runtimes on this machine")
        .containsPattern("(?m)^onnxruntime +yes ")
        .containsPattern("(?m)^pytorch +yes ")
        // the CPU onnxruntime jar is what the CLI ships
        .containsPattern("(?m)^onnxruntime-gpu +no .*onnxruntime_gpu not installed")
        .contains(
            "with the order onnxruntime,tensorrt,onnxruntime-gpu,pytorch, avloc runs on"
                + " onnxruntime");
    if (CudaUtils.getGpuCount() == 0) {
      assertThat(out).containsPattern("(?m)^tensorrt +no .*(cannot open shared object file|GPU)");
    }
  }

  @Test
  void withAModelItLoadsItOnEachEngineAndRunsTheWarmUp() {
    Path dir = tmp.resolve("m");
    assertThat(cli.run("model", "init", "--out", dir.toString(), "--fixed-batches", "1"))
        .as(cli.err())
        .isZero();
    cli.clear();

    assertThat(
            cli.run("engines", "--model", dir.toString(), "--engines", "pytorch,onnxruntime-gpu"))
        .as(cli.err())
        .isZero();
    assertThat(cli.out())
        .contains("model lite-random@0 from " + dir)
        .containsPattern("(?m)^pytorch +yes +\\d+ ms")
        .containsPattern("(?m)^onnxruntime-gpu +no ")
        .contains("avloc runs on pytorch");
  }

  @Test
  void exitsWithOneWhenNoListedEngineWorks() {
    assertThat(cli.run("engines", "--engines", "onnxruntime-gpu")).isEqualTo(1);
    assertThat(cli.out()).contains("none of onnxruntime-gpu works here");
  }

  @Test
  void anUnknownEngineIsAUsageError() {
    assertThat(cli.run("engines", "--engines", "onnxruntime,cuda")).isEqualTo(2);
    assertThat(cli.err())
        .contains("--engines: unknown engine 'cuda'; known engines:")
        .contains("(see 'avloc engines --help')");
  }
}
