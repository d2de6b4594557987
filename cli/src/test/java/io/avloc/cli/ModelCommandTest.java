package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.artifact.ModelArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCommandTest {

  @TempDir Path tmp;

  private final CliRun cli = new CliRun();

  private int run(String... args) {
    return cli.run(args);
  }

  @Test
  void initWritesAVerifiedLiteArtifactThatInspectDescribes() {
    Path dir = tmp.resolve("lite");

    assertThat(run("model", "init", "--preset", "lite", "--out", dir.toString(), "--seed", "3"))
        .as(cli.err())
        .isZero();
    assertThat(cli.out()).contains("wrote lite-random@0");
    assertThat(ModelArtifact.load(dir).manifest().preset()).isEqualTo("lite");

    cli.clear();
    assertThat(run("model", "inspect", dir.toString())).isZero();
    assertThat(cli.out())
        .contains("verified (4 files")
        .contains("model      lite-random@0 (method random, preset lite")
        .contains("input      image        [N,3,160,160]")
        .contains("output     simmap       [N,5,5]")
        .contains("deviation  visual trunk randomly initialised");
  }

  @Test
  void initRefusesToOverwriteWithoutForce() throws Exception {
    Path dir = tmp.resolve("m");
    assertThat(run("model", "init", "--out", dir.toString(), "--fixed-batches", "1")).isZero();
    assertThat(run("model", "init", "--out", dir.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("already holds a model; pass --force");
  }

  @Test
  void exportSaysWhatAHeadFolderMustHold() throws Exception {
    Path notARun = Files.createDirectories(tmp.resolve("empty"));
    assertThat(
            run(
                "model",
                "export",
                "--head",
                notARun.toString(),
                "--out",
                tmp.resolve("out").toString()))
        .isEqualTo(2);
    assertThat(cli.err())
        .contains("holds no trained detector head (head.json and head.params)")
        .contains("avloc train --detector-trunk");
  }

  @Test
  void anUnknownPresetIsAUsageError() {
    assertThat(run("model", "init", "--preset", "huge", "--out", tmp.toString())).isEqualTo(2);
    assertThat(cli.err()).contains("--preset must be paper or lite, got 'huge'");
  }

  @Test
  void inspectReportsATamperedArtifactAndFails() throws Exception {
    Path dir = tmp.resolve("m");
    assertThat(run("model", "init", "--out", dir.toString(), "--fixed-batches", "1")).isZero();
    Files.write(dir.resolve("model.params"), new byte[] {1, 2, 3});

    assertThat(run("model", "inspect", dir.toString())).isEqualTo(1);
    assertThat(cli.err()).contains("checksum mismatch for").contains("model.params");
  }
}
