package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

  @TempDir Path tmp;
  private final CliRun cli = new CliRun();

  private Path dataset(int clips) throws IOException {
    Path root = tmp.resolve("data");
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < clips; i++) {
      EvalCommandTest.writeClip(root, "c" + i, "jpg", 200, 150, 16000, i + 1);
      json.append(i == 0 ? "" : ",")
          .append("{\"file\":\"c")
          .append(i)
          .append("\",\"class\":\"tone\",\"bbox\":[[0.1,0.2,0.6,0.7]]}");
    }
    Files.writeString(root.resolve("vggss.json"), json.append(']'));
    return root;
  }

  @Test
  void trainsAndWritesAVerifiedModelThatRecordsItsCommand() throws IOException {
    Path data = dataset(4);
    Path out = tmp.resolve("model");
    int code =
        cli.run(
            "train",
            "--method",
            "marginnce",
            "--data",
            data.toString(),
            "--val",
            data.toString(),
            "--out",
            out.toString(),
            "--epochs",
            "1",
            "--batch",
            "2",
            "--workers",
            "1");

    assertThat(code).as(cli.err()).isZero();
    assertThat(cli.out()).contains("trained marginnce-lite@").contains("best epoch 1 of 1");
    ModelManifest manifest = ModelArtifact.load(out).manifest();
    assertThat((String) manifest.training().get("command"))
        .startsWith("avloc train --method marginnce")
        .contains("--epochs 1");
    assertThat(manifest.training()).containsEntry("margin", -0.2);
    assertThat(manifest.metrics()).containsKeys("val.ciou", "val.auc", "val.pointing");
    assertThat(out.resolve("train-log.jsonl")).exists();
    assertThat(out.resolve("curves.png")).exists();
  }

  @Test
  void badFlagsAreOneLineUsageErrors() throws IOException {
    Path data = dataset(2);
    String out = tmp.resolve("m").toString();
    assertThat(cli.run("train", "--method", "simclr", "--data", data.toString(), "--out", out))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--method").contains("ezvsl, marginnce, fnac");
    cli.clear();
    assertThat(cli.run("train", "--method", "fnac", "--data", "/no/such/dir", "--out", out))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--data folder not found: /no/such/dir");
    cli.clear();
    assertThat(
            cli.run(
                "train",
                "--method",
                "fnac",
                "--data",
                data.toString(),
                "--out",
                out,
                "--batch",
                "1"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("--batch must be at least 2");
  }

  @Test
  void aDatasetSmallerThanABatchIsARuntimeErrorNamingTheFolder() throws IOException {
    Path data = dataset(2);
    int code =
        cli.run(
            "train",
            "--method",
            "ezvsl",
            "--data",
            data.toString(),
            "--out",
            tmp.resolve("m").toString(),
            "--batch",
            "4");
    assertThat(code).isEqualTo(1);
    assertThat(cli.err())
        .contains("has 2 clips, fewer than one batch of 4")
        .contains(data.toString());
  }
}
