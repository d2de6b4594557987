package io.avloc.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelManifest;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.Preset;
import io.avloc.core.serde.Json;
import io.avloc.training.loss.TrainingMethod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  @TempDir static Path shared;
  static Path data;

  @TempDir Path tmp;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final AtomicInteger validations = new AtomicInteger();

  /** A validator that scores nothing useful but proves it is called once per epoch. */
  private final Trainer.Validator countingValidator =
      (net, manager, clips) -> {
        int n = validations.incrementAndGet();
        return Map.of("ciou", n % 2 == 0 ? 0.9 : 0.1, "auc", 0.5, "pointing", 0.5);
      };

  @BeforeAll
  static void dataset() throws IOException {
    data = TinyDataset.write(shared.resolve("tiny"), 8, 7);
  }

  private TrainOptions options(TrainingMethod method, Path out, int epochs) {
    TrainOptions d = TrainOptions.defaults(method, data, Preset.LITE, out);
    return new TrainOptions(
        method,
        data,
        "vggss",
        Preset.LITE,
        out,
        epochs,
        4,
        1e-3f,
        null,
        d.margin(),
        d.fnacWeight(),
        1,
        11,
        data,
        "vggss",
        false,
        2,
        null,
        null,
        "v1",
        "avloc train --test");
  }

  private Trainer trainer(TrainOptions o) {
    return new Trainer(o, new PrintStream(console, true), countingValidator);
  }

  @Test
  void trainsValidatesEveryEpochAndExportsTheBestEpochAsAVerifiedArtifact() throws IOException {
    Path out = tmp.resolve("run");
    Trainer.Result result = trainer(options(TrainingMethod.EZVSL, out, 2)).run();

    assertThat(result.interrupted()).isFalse();
    assertThat(validations).hasValue(2);
    assertThat(result.bestEpoch()).isEqualTo(2); // the validator scores epoch 2 higher
    ModelManifest manifest = ModelArtifact.load(out).manifest();
    assertThat(manifest.method()).isEqualTo("ezvsl");
    assertThat(manifest.id()).isEqualTo("ezvsl-lite@v1");
    assertThat(manifest.training())
        .containsEntry("command", "avloc train --test")
        .containsEntry("bestEpoch", 2)
        .containsEntry("clips", 8);
    assertThat(manifest.metrics()).containsEntry("val.ciou", 0.9);

    List<String> log = Files.readAllLines(out.resolve("train-log.jsonl"));
    assertThat(log).hasSize(2);
    JsonNode first = Json.MAPPER.readTree(log.get(0));
    assertThat(first.get("epoch").asInt()).isEqualTo(1);
    assertThat(first.get("samples").asLong()).isEqualTo(8);
    assertThat(first.get("loss").get("loss").asDouble()).isFinite().isPositive();
    assertThat(first.get("samples_per_s").asDouble()).isPositive();
    assertThat(first.get("data_wait_share").asDouble()).isBetween(0.0, 1.0);
    assertThat(first.get("val").get("ciou").asDouble()).isEqualTo(0.1);
    assertThat(ImageIO.read(out.resolve("curves.png").toFile()).getWidth()).isGreaterThan(500);
    assertThat(console.toString()).contains("epoch 1/2").contains("samples/s");
  }

  @Test
  void aStoppedRunResumesToTheSameParametersAsAnUninterruptedOne() throws IOException {
    Path straight = tmp.resolve("straight");
    trainer(options(TrainingMethod.FNAC, straight, 2)).run();

    Path stopped = tmp.resolve("stopped");
    Trainer first = trainer(options(TrainingMethod.FNAC, stopped, 2));
    first.stopAfterSteps(3); // 2 steps per epoch: stops in the middle of epoch 2
    Trainer.Result interrupted = first.run();
    assertThat(interrupted.interrupted()).isTrue();
    assertThat(Files.exists(stopped.resolve(ModelArtifact.MANIFEST))).isFalse();

    TrainOptions again = withResume(options(TrainingMethod.FNAC, stopped, 2));
    Trainer.Result resumed = trainer(again).run();
    assertThat(resumed.interrupted()).isFalse();
    assertThat(resumed.history()).hasSize(2);

    assertThat(maxDifference(straight, stopped)).isLessThan(1e-5);
    assertThat(Files.readAllLines(stopped.resolve("train-log.jsonl"))).hasSize(2);
  }

  @Test
  void fnacLogsEveryTermAndHonoursTheWarmUp() throws IOException {
    Path out = tmp.resolve("fnac");
    Trainer.Result result = trainer(options(TrainingMethod.FNAC, out, 2)).run();
    Map<String, Double> warm = result.history().get(0).loss();
    Map<String, Double> full = result.history().get(1).loss();
    assertThat(warm).containsKeys("contrastive", "fns_a", "tne", "fns_v", "loss");
    // warm-up (1 epoch): the total is the contrastive term alone
    assertThat(warm.get("loss"))
        .isCloseTo(warm.get("contrastive"), org.assertj.core.data.Offset.offset(1e-6));
    assertThat(full.get("loss")).isGreaterThan(full.get("contrastive"));
    assertThat(ModelArtifact.load(out).manifest().network()).containsEntry("visualDropout", 0.9);
  }

  @Test
  void thePaperPresetTrainsOneShortEpoch() throws IOException {
    Path out = tmp.resolve("paper");
    TrainOptions lite = options(TrainingMethod.MARGINNCE, out, 1);
    TrainOptions paper =
        new TrainOptions(
            lite.method(),
            lite.data(),
            lite.dataFormat(),
            Preset.PAPER,
            out,
            1,
            2,
            1e-4f,
            null,
            lite.margin(),
            lite.fnacWeight(),
            lite.warmup(),
            lite.seed(),
            null,
            null,
            false,
            2,
            null,
            null,
            null,
            null);
    Trainer.Result result = trainer(paper).run();
    assertThat(result.history()).hasSize(1);
    assertThat(result.artifact().manifest().preset()).isEqualTo("paper");
    assertThat(result.history().get(0).samples()).isEqualTo(8);
  }

  @Test
  void refusesToOverwriteARunOrToResumeWithDifferentOptions() throws IOException {
    Path out = tmp.resolve("once");
    trainer(options(TrainingMethod.EZVSL, out, 1)).run();

    assertThatThrownBy(() -> trainer(options(TrainingMethod.EZVSL, out, 2)).run())
        .hasMessageContaining("already holds a training run")
        .hasMessageContaining("--resume");
    assertThatThrownBy(() -> trainer(withResume(options(TrainingMethod.FNAC, out, 2))).run())
        .hasMessageContaining("was started with");
    assertThatThrownBy(() -> trainer(withResume(options(TrainingMethod.EZVSL, out, 1))).run())
        .hasMessageContaining("already finished 1 epochs");
    assertThatThrownBy(
            () -> trainer(withResume(options(TrainingMethod.EZVSL, tmp.resolve("none"), 1))).run())
        .hasMessageContaining("no checkpoint");
  }

  @Test
  void theTemperatureOptionReachesTheLossTheNetworkAndTheResumeCheck() throws IOException {
    TrainOptions preset = options(TrainingMethod.EZVSL, tmp.resolve("t"), 1);
    TrainOptions warm = preset.withTemperature(0.1f);

    assertThat(Trainer.networkConfig(preset).tau()).isEqualTo(Preset.LITE.config().tau());
    assertThat(Trainer.networkConfig(warm).tau()).isEqualTo(0.1f);
    assertThat(Trainer.newLoss(warm, Trainer.networkConfig(warm).tau()).tau()).isEqualTo(0.1f);
    assertThat(Trainer.networkConfig(warm.withTemperature(0.2f)).tau()).isEqualTo(0.2f);
    assertThat(preset.fingerprint()).doesNotContainKey("temperature");
    assertThat(warm.fingerprint()).containsEntry("temperature", 0.1);
    assertThatThrownBy(() -> preset.withTemperature(0f))
        .hasMessageContaining("--temperature must be in (0, 1]");
    assertThatThrownBy(() -> preset.withTemperature(Float.NaN))
        .hasMessageContaining("--temperature");

    Path out = tmp.resolve("tau-run");
    trainer(options(TrainingMethod.EZVSL, out, 1).withTemperature(0.1f)).run();
    assertThat(((Number) ModelArtifact.load(out).manifest().network().get("tau")).doubleValue())
        .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
    assertThatThrownBy(() -> trainer(withResume(options(TrainingMethod.EZVSL, out, 2))).run())
        .hasMessageContaining("was started with");
  }

  @Test
  void refusesADatasetSmallerThanOneBatch() throws IOException {
    Path small = TinyDataset.write(tmp.resolve("small"), 3, 1);
    TrainOptions o = options(TrainingMethod.EZVSL, tmp.resolve("out"), 1);
    TrainOptions tooSmall =
        new TrainOptions(
            o.method(),
            small,
            "vggss",
            o.preset(),
            o.out(),
            1,
            4,
            o.learningRate(),
            null,
            o.margin(),
            o.fnacWeight(),
            o.warmup(),
            o.seed(),
            null,
            null,
            false,
            1,
            null,
            null,
            null,
            null);
    assertThatThrownBy(() -> trainer(tooSmall).run())
        .hasMessageContaining("has 3 clips, fewer than one batch of 4")
        .hasMessageContaining(small.toString());
  }

  private static TrainOptions withResume(TrainOptions o) {
    return new TrainOptions(
        o.method(),
        o.data(),
        o.dataFormat(),
        o.preset(),
        o.out(),
        o.epochs(),
        o.batch(),
        o.learningRate(),
        o.weightDecay(),
        o.margin(),
        o.fnacWeight(),
        o.warmup(),
        o.seed(),
        o.val(),
        o.valFormat(),
        true,
        o.workers(),
        o.imagenet(),
        o.name(),
        o.version(),
        o.command());
  }

  /** Largest absolute difference between the exported parameters of two runs. */
  private static double maxDifference(Path a, Path b) throws IOException {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      AvLocalizer x = load(a, manager);
      AvLocalizer y = load(b, manager);
      double max = 0;
      List<Parameter> px = x.getParameters().values();
      List<Parameter> py = y.getParameters().values();
      for (int i = 0; i < px.size(); i++) {
        double d = px.get(i).getArray().sub(py.get(i).getArray()).abs().max().getFloat();
        max = Math.max(max, d);
      }
      return max;
    }
  }

  private static AvLocalizer load(Path run, NDManager manager) throws IOException {
    AvLocalizer net = new AvLocalizer(Preset.LITE.config().withVisualDropout(0.9f));
    net.initialize(manager, DataType.FLOAT32, Preset.LITE.config().inputShapes(1));
    Checkpoints.readNetwork(net, manager, run.resolve("checkpoints/last/network.params"));
    return net;
  }
}
