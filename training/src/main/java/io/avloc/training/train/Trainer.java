package io.avloc.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.avloc.core.artifact.ModelArtifact;
import io.avloc.core.artifact.ModelExporter;
import io.avloc.core.model.AvLocalizer;
import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.ImageNetWeights;
import io.avloc.core.model.LocalizationNetwork;
import io.avloc.core.serde.Json;
import io.avloc.training.ProgressBar;
import io.avloc.training.data.AvDataset;
import io.avloc.training.data.BatchLoader;
import io.avloc.training.data.ClipComposer;
import io.avloc.training.data.Datasets;
import io.avloc.training.data.LoaderConfig;
import io.avloc.training.data.Sample;
import io.avloc.training.data.SampleCache;
import io.avloc.training.data.TrainingBatch;
import io.avloc.training.loss.AvContrastiveLoss;
import io.avloc.training.loss.EzVslLoss;
import io.avloc.training.loss.FnacLoss;
import io.avloc.training.loss.ImageLevelTerm;
import io.avloc.training.loss.MarginNceLoss;
import io.avloc.training.loss.TrainingMethod;
import io.avloc.training.synth.TrainingClips;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop of {@code avloc train} (docs/methods.md §3–§4) on DJL's PyTorch engine.
 *
 * <p>Per step: a {@link TrainingBatch} from the {@link BatchLoader} (decoding and augmentation run
 * on worker threads, ahead of the step), the forward pass in training mode, the method's loss,
 * backward, and an {@link AdamOptimizer} update. Per epoch: validation on {@code --val} (cIoU, AUC,
 * pointing, with the bicubic upsampling of the reference's per-epoch selection), a line of {@code
 * train-log.jsonl}, {@code curves.png}, and the {@code checkpoints/last} checkpoint; the best
 * epoch's network is kept in {@code checkpoints/best}. At the end the best network is exported as
 * the model artifact in the run folder, with the command, data, seed, hyper-parameters and
 * validation metrics in its manifest.
 *
 * <p>{@link #requestStop()} (Ctrl-C) ends the run after the current step with a checkpoint that
 * {@code --resume} continues exactly: the batch order and augmentation depend only on (seed, epoch,
 * position) and the dropout generator is reseeded for every step, so the finished steps of the
 * interrupted epoch are skipped and the rest is what an uninterrupted run would have done.
 */
public final class Trainer {

  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  private static final float FNAC_VISUAL_DROPOUT = 0.9f;
  private static final String LOG_FILE = "train-log.jsonl";
  private static final String CURVES_FILE = "curves.png";

  /** What a run produced. */
  public record Result(
      ModelArtifact artifact,
      List<EpochRecord> history,
      int bestEpoch,
      boolean interrupted,
      Path out) {}

  private final TrainOptions options;
  private final PrintStream console;
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final Validator validator;
  private int stopAfterSteps = -1;
  private int stepsThisRun;

  /**
   * Scores the network on the validation clips. The trainer's own implementation lives in {@code
   * io.avloc.training.eval}; the seam exists so tests can count calls.
   */
  @FunctionalInterface
  public interface Validator {
    /** Metrics such as {@code ciou} (AP50), {@code auc}, {@code pointing}; values in [0, 1]. */
    Map<String, Double> validate(LocalizationNetwork net, NDManager manager, List<Sample> clips)
        throws IOException;
  }

  public Trainer(TrainOptions options, PrintStream console, Validator validator) {
    this.options = options;
    this.console = console;
    this.validator = validator;
  }

  /** Asks the run to stop after the current step, leaving a resumable checkpoint. */
  public void requestStop() {
    stopRequested.set(true);
  }

  /** Tests: stop (as on Ctrl-C) once this many steps have run in this call of {@link #run}. */
  void stopAfterSteps(int steps) {
    this.stopAfterSteps = steps;
  }

  /** Trains; returns when done, or after {@link #requestStop()} with {@code interrupted}. */
  public Result run() throws IOException {
    TrainOptions o = options;
    TrainingData clips = trainingClips();
    List<Sample> valClips = validationClips();
    Checkpoints checkpoints = new Checkpoints(o.out());
    TrainingState state = startingState(checkpoints);
    Files.createDirectories(o.out());

    AvLocalizerConfig presetConfig = networkConfig(o);
    AvContrastiveLoss loss = newLoss(o, presetConfig.tau());
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed((int) o.seed());
    String startedAt =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now());

    try (NDManager manager = engine.newBaseManager();
        Network network = newNetwork(presetConfig, manager)) {
      Session session =
          new Session(
              clips, valClips, checkpoints, state, loss, engine, manager, network.net(), startedAt);
      for (int epoch = state.epoch(); epoch < o.epochs(); epoch++) {
        boolean resumedEpoch = epoch == state.epoch();
        Map<String, Double> sums =
            new LinkedHashMap<>(resumedEpoch ? state.partialLoss() : Map.of());
        EpochRun run = session.trainEpoch(epoch, resumedEpoch ? state.step() : 0, sums);
        if (run.steps().interrupted()) {
          return session.stopInEpoch(epoch, run.steps(), sums);
        }
        session.endEpoch(epoch, run, sums);
      }
      return session.exportBest();
    }
  }

  /** The run's first line: method, network, data, batch, schedule and validation. */
  private void printStart(
      LocalizationNetwork net,
      AvLocalizerConfig config,
      TrainingData clips,
      List<Sample> valClips) {
    TrainOptions o = options;
    console.printf(
        Locale.ROOT,
        "training %s (%s preset%s, %,d trainable values) on %d clips from %s; batch %d, %d"
            + " epochs, lr %g, weight decay %g%s%n",
        o.method().id(),
        config.name(),
        o.detectorTrunk() == null
            ? ""
            : ", frozen detector trunk "
                + o.detectorTrunk().outputNode()
                + " at "
                + o.detectorTrunk().inputSize()
                + " px",
        AvLocalizer.trainableParameterCount(net.getParameters().values()),
        clips.size(),
        clips.composer() == null ? o.data() : clips.composer().describe(),
        o.batch(),
        o.epochs(),
        o.learningRate(),
        o.effectiveWeightDecay(),
        valClips == null
            ? "; no --val: the epoch with the lowest training loss is kept"
            : "; validating on " + valClips.size() + " clips");
  }

  /** What one epoch's training steps did. */
  private record EpochSteps(int steps, long samples, long waitNanos, boolean interrupted) {}

  /** One epoch's steps and its time, from opening its batch loader to closing it. */
  private record EpochRun(EpochSteps steps, double seconds) {}

  /**
   * One call of {@link #run()}: the network, its optimizer and the history of the epochs so far,
   * with the steps of a run: set-up (and resume), one epoch, its validation and the selection of
   * the best epoch, a stop inside an epoch, and the export at the end.
   */
  private final class Session {
    private final TrainingData clips;
    private final List<Sample> valClips;
    private final Checkpoints checkpoints;
    private final AvContrastiveLoss loss;
    private final Engine engine;
    private final NDManager manager;
    private final LocalizationNetwork net;
    private final AvLocalizerConfig config;
    private final AdamOptimizer adam;
    private final String startedAt;
    private final List<EpochRecord> history;
    private int bestEpoch;
    private final SampleCache cache;
    private final ParameterStore parameters;

    /** Sets the run up: restores the last checkpoint when resuming and prints the first line. */
    Session(
        TrainingData clips,
        List<Sample> valClips,
        Checkpoints checkpoints,
        TrainingState state,
        AvContrastiveLoss loss,
        Engine engine,
        NDManager manager,
        LocalizationNetwork net,
        String startedAt)
        throws IOException {
      TrainOptions o = options;
      this.clips = clips;
      this.valClips = valClips;
      this.checkpoints = checkpoints;
      this.loss = loss;
      this.engine = engine;
      this.manager = manager;
      this.net = net;
      this.config = net.config();
      this.startedAt = startedAt;
      this.adam = new AdamOptimizer(o.learningRate(), o.effectiveWeightDecay());
      if (state.epoch() > 0 || state.step() > 0) {
        checkpoints.restoreLast(net, adam, manager);
        console.printf(
            Locale.ROOT,
            "resuming %s at epoch %d, step %d (Adam step %d)%n",
            o.out(),
            state.epoch() + 1,
            state.step(),
            adam.steps());
      }
      printStart(net, config, clips, valClips);

      this.history = new ArrayList<>(state.history());
      this.bestEpoch = state.bestEpoch();
      this.cache = new SampleCache(config.imageSize(), true);
      this.parameters = new ParameterStore(manager, false);
    }

    /**
     * Trains one epoch on a fresh batch loader, after skipping the {@code skip} steps that a
     * resumed run already did; adds each step's loss terms to {@code sums}.
     */
    EpochRun trainEpoch(int epoch, int skip, Map<String, Double> sums) {
      TrainOptions o = options;
      loss.setEpoch(epoch);
      LoaderConfig loaderConfig =
          new LoaderConfig(
              o.batch(),
              config.imageSize(),
              true,
              o.method().spectrogramMasks(),
              true,
              true,
              o.seed(),
              o.workers(),
              4);
      long epochStart = System.nanoTime();
      EpochSteps steps;
      try (BatchLoader loader = clips.loader(loaderConfig, epoch, cache)) {
        steps = trainSteps(loader, epoch, skip, sums);
      }
      return new EpochRun(steps, (System.nanoTime() - epochStart) / 1e9);
    }

    /**
     * Trains on the epoch's batches, after skipping the {@code skip} that a resumed run already
     * did; adds each step's loss terms to {@code sums}; stops early when a stop is requested.
     */
    private EpochSteps trainSteps(
        BatchLoader loader, int epoch, int skip, Map<String, Double> sums) {
      TrainOptions o = options;
      long samples = 0;
      int steps = skip;
      boolean interrupted = false;
      ProgressBar bar =
          new ProgressBar(
              console,
              String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, o.epochs()),
              (long) loader.batches() * o.batch(),
              "samples");
      for (int i = 0; i < skip && loader.hasNext(); i++) {
        loader.next();
        bar.step(o.batch());
      }
      while (loader.hasNext()) {
        TrainingBatch batch = loader.next();
        engine.setRandomSeed(stepSeed(o.seed(), epoch, steps));
        Map<String, Double> terms = step(net, parameters, manager, loss, adam, batch);
        terms.forEach((k, v) -> sums.merge(k, v, Double::sum));
        steps++;
        samples += batch.size();
        bar.status(String.format(Locale.ROOT, "loss %.4f", terms.get("loss"))).step(batch.size());
        if (++stepsThisRun == stopAfterSteps) {
          requestStop();
        }
        if (stopRequested.get()) {
          interrupted = true;
          break;
        }
      }
      bar.finish();
      return new EpochSteps(steps, samples, loader.waitNanos(), interrupted);
    }

    /**
     * Ends the run inside {@code epoch}: a checkpoint of the steps done and their loss sums, which
     * {@code --resume} continues exactly.
     */
    Result stopInEpoch(int epoch, EpochSteps run, Map<String, Double> sums) throws IOException {
      TrainOptions o = options;
      TrainingState partial =
          new TrainingState(epoch, run.steps(), bestEpoch, history, sums, o.fingerprint());
      checkpoints.saveLast(net, adam, partial);
      console.printf(
          Locale.ROOT,
          "stopped in epoch %d after %d steps; checkpoint saved in %s%nresume with: %s%n",
          epoch + 1,
          run.steps(),
          checkpoints.last(),
          resumeCommand());
      return new Result(null, history, bestEpoch, true, o.out());
    }

    /**
     * Ends a finished epoch: validates it, keeps it as the best if it scores higher, saves the
     * checkpoint, and writes the log line, the curves and the console summary.
     */
    void endEpoch(int epoch, EpochRun run, Map<String, Double> sums) throws IOException {
      EpochRecord record = epochRecord(epoch, run, sums);
      boolean best = select(record);
      checkpoints.saveLast(
          net,
          adam,
          new TrainingState(epoch + 1, 0, bestEpoch, history, Map.of(), options.fingerprint()));
      if (best) {
        checkpoints.markLastBest();
        if (net instanceof FrozenDetectorLocalizer head) {
          // The best head so far, usable (avloc eval, a composed artifact) while the run goes on.
          DetectorHeads.write(
              head, description(options, config, clips, record, history, startedAt), options.out());
        }
      }
      appendLog(record);
      TrainingCurves.write(history, title(), options.out().resolve(CURVES_FILE));
      console.println(summary(record, best));
    }

    /**
     * Adds the epoch to the history and keeps it as the best one when it scores higher ({@link
     * EpochRecord#score()}); true when it is the new best.
     */
    private boolean select(EpochRecord record) {
      history.add(record);
      boolean best = bestEpoch == 0 || record.score() > history.get(bestEpoch - 1).score();
      if (best) {
        bestEpoch = record.epoch();
      }
      return best;
    }

    /**
     * The epoch's record: mean loss terms, throughput and, with {@code --val}, the validation
     * metrics.
     */
    private EpochRecord epochRecord(int epoch, EpochRun run, Map<String, Double> sums)
        throws IOException {
      int steps = run.steps().steps();
      long samples = run.steps().samples();
      double seconds = run.seconds();
      Map<String, Double> means = new LinkedHashMap<>();
      sums.forEach((k, v) -> means.put(k, v / steps));
      Map<String, Double> validation = null;
      Double validationSeconds = null;
      if (valClips != null) {
        long v0 = System.nanoTime();
        validation = validator.validate(net, manager, valClips);
        validationSeconds = (System.nanoTime() - v0) / 1e9;
      }
      return new EpochRecord(
          epoch + 1,
          means,
          samples,
          seconds,
          samples / seconds,
          Math.min(1, run.steps().waitNanos() / 1e9 / seconds),
          validation,
          validationSeconds);
    }

    /** Restores the best epoch's network and exports it as the run's model artifact. */
    Result exportBest() throws IOException {
      TrainOptions o = options;
      checkpoints.restoreBest(net, manager);
      EpochRecord chosen = history.get(bestEpoch - 1);
      ModelExporter.Description description =
          description(o, config, clips, chosen, history, startedAt);
      ModelArtifact artifact = export(net, description);
      console.printf(
          Locale.ROOT,
          "wrote %s %s (epoch %d of %d) to %s%n",
          artifact == null ? "detector head" : "model",
          description.name() + "@" + description.version(),
          bestEpoch,
          history.size(),
          o.out());
      return new Result(artifact, history, bestEpoch, false, o.out());
    }
  }

  /**
   * Exports the restored best network as a model artifact: the network alone, or for a frozen
   * detector trunk the detector and the head as one graph (also keeping the head's own files).
   */
  private ModelArtifact export(LocalizationNetwork net, ModelExporter.Description description)
      throws IOException {
    if (net instanceof AvLocalizer av) {
      return ModelExporter.export(av, description, options.out());
    }
    FrozenDetectorLocalizer frozen = (FrozenDetectorLocalizer) net;
    DetectorHeads.write(frozen, description, options.out());
    // The one export path: the detector and the head as one graph in a model artifact, which
    // every inference path (eval, serve, streams) runs like any other model.
    return ModelExporter.exportOnDetector(
        frozen.head(), frozen.trunk().artifactTrunk(), description, options.out());
  }

  /** One optimization step; returns the loss terms (scalars). */
  private static Map<String, Double> step(
      Block net,
      ParameterStore parameters,
      NDManager manager,
      AvContrastiveLoss loss,
      AdamOptimizer adam,
      TrainingBatch batch) {
    Map<String, Double> values = new LinkedHashMap<>();
    try (NDManager scope = manager.newSubManager()) {
      int n = batch.size();
      int s = batch.imageSize();
      NDArray images = scope.create(batch.images(), new Shape(n, 3, s, s));
      NDArray spectrograms =
          scope.create(
              batch.spectrograms(), new Shape(n, 1, batch.frequencyBins(), batch.frames()));
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDList out = net.forward(parameters, new NDList(images, spectrograms), true);
        Map<String, NDArray> terms = loss.terms(out);
        NDArray total = terms.get("loss");
        if (!Float.isFinite(total.getFloat())) {
          throw new IllegalStateException(
              "the loss is " + total.getFloat() + " at batch " + batch.ids() + "; lower --lr");
        }
        collector.backward(total);
        terms.forEach((k, v) -> values.put(k, (double) v.getFloat()));
      }
      adam.step(net.getParameters());
    }
    return values;
  }

  /** The network being trained and what it holds open (the detector's ONNX Runtime session). */
  private record Network(LocalizationNetwork net, AutoCloseable resources)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try {
        resources.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }

  /**
   * The preset's {@link AvLocalizer} (with ImageNet weights for its visual trunk if given), or with
   * {@code --detector-trunk} the frozen detector in front of a trainable head; initialized.
   */
  private Network newNetwork(AvLocalizerConfig presetConfig, NDManager manager) throws IOException {
    TrainOptions o = options;
    if (o.detectorTrunk() != null) {
      FrozenDetectorLocalizer net = FrozenDetectorLocalizer.load(o.detectorTrunk(), presetConfig);
      net.initialize(manager, DataType.FLOAT32, net.config().inputShapes(o.batch()));
      return new Network(net, net);
    }
    AvLocalizer net = new AvLocalizer(presetConfig);
    net.initialize(manager, DataType.FLOAT32, presetConfig.inputShapes(o.batch()));
    if (o.imagenet() != null) {
      ImageNetWeights.load(net.visualTrunk(), o.imagenet());
    }
    return new Network(net, () -> {});
  }

  /**
   * Where the training clips come from: a dataset folder, or (with {@code --data-format
   * generate[:N]}) the asset cache the clips are composed from on the fly.
   */
  private record TrainingData(List<Sample> samples, ClipComposer composer) {
    int size() {
      return composer == null ? samples.size() : composer.clipsPerEpoch();
    }

    BatchLoader loader(LoaderConfig config, int epoch, SampleCache cache) {
      return composer == null
          ? new BatchLoader(samples, config, epoch, cache)
          : new BatchLoader(composer, config, epoch, cache);
    }
  }

  private TrainingData trainingClips() {
    if (options.generated()) {
      int n = options.generatedClipsPerEpoch();
      if (n < options.batch()) {
        throw new IllegalArgumentException(
            "--data-format "
                + options.dataFormat()
                + " composes "
                + n
                + " clips per epoch, fewer than one batch of "
                + options.batch());
      }
      TrainingClips composer = TrainingClips.open(options.data(), options.seed(), n);
      return new TrainingData(null, options.classTones() ? composer.withClassTones() : composer);
    }
    AvDataset data = Datasets.open(options.data(), options.dataFormat());
    List<Sample> clips = data.samples();
    if (clips.size() < options.batch()) {
      throw new IllegalArgumentException(
          "the training data in "
              + options.data()
              + " has "
              + clips.size()
              + " clips, fewer than one batch of "
              + options.batch()
              + "; add clips or lower --batch");
    }
    return new TrainingData(clips, null);
  }

  private List<Sample> validationClips() {
    if (options.val() == null) {
      return null;
    }
    AvDataset data = Datasets.open(options.val(), options.valFormat());
    List<Sample> clips = data.samples();
    for (Sample s : clips) {
      if (!s.annotated()) {
        throw new IllegalArgumentException(
            "validation clip "
                + s.id()
                + " in "
                + options.val()
                + " has no ground truth; --val needs an annotated set (vggss.json or"
                + " Annotations/)");
      }
    }
    return clips;
  }

  private TrainingState startingState(Checkpoints checkpoints) throws IOException {
    if (!options.resume()) {
      if (checkpoints.exists()) {
        throw new IllegalArgumentException(
            options.out()
                + " already holds a training run ("
                + checkpoints.last()
                + "); pass --resume to continue it or choose another --out");
      }
      return new TrainingState(0, 0, 0, List.of(), Map.of(), options.fingerprint());
    }
    TrainingState state =
        checkpoints
            .state()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--resume: no checkpoint in "
                            + options.out()
                            + "; start a new run without --resume"));
    // Compared after a JSON round trip, as the saved options were (number types then agree).
    Map<?, ?> now =
        Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(options.fingerprint()), Map.class);
    if (!now.equals(state.options())) {
      throw new IllegalArgumentException(
          "--resume: the run in "
              + options.out()
              + " was started with "
              + state.options()
              + ", not "
              + now
              + "; resume with the same options");
    }
    if (state.epoch() >= options.epochs() && state.step() == 0) {
      throw new IllegalArgumentException(
          "--resume: the run in "
              + options.out()
              + " already finished "
              + state.epoch()
              + " epochs; raise --epochs to train further");
    }
    return state;
  }

  /** The preset's network, with FNAC's visual dropout and {@code --temperature} applied. */
  static AvLocalizerConfig networkConfig(TrainOptions o) {
    AvLocalizerConfig c = o.preset().config();
    if (o.method().visualDropout()) {
      c = c.withVisualDropout(FNAC_VISUAL_DROPOUT);
    }
    return o.temperature() == null ? c : c.withTau(o.temperature());
  }

  static AvContrastiveLoss newLoss(TrainOptions o, float tau) {
    AvContrastiveLoss method =
        switch (o.method()) {
          case EZVSL -> new EzVslLoss(tau);
          case MARGINNCE -> new MarginNceLoss(tau, o.margin());
          case FNAC ->
              new FnacLoss(tau, o.fnacWeight(), o.fnacWeight(), o.fnacWeight(), o.warmup());
        };
    return ImageLevelTerm.around(method, o.imageLevelWeight());
  }

  /** A per-step dropout seed, so a resumed epoch draws what the uninterrupted one would have. */
  static int stepSeed(long seed, int epoch, int step) {
    long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + step * 0x94D049BB133111EBL;
    h ^= h >>> 31;
    return (int) (h & 0x7fffffff);
  }

  private void appendLog(EpochRecord record) throws IOException {
    try {
      String line = Json.MAPPER.writeValueAsString(record) + "\n";
      Files.writeString(
          options.out().resolve(LOG_FILE),
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (JsonProcessingException e) {
      throw new IOException("cannot write the training log: " + e.getMessage(), e);
    }
  }

  private String title() {
    return String.format(
        Locale.ROOT,
        "%s, %s preset, batch %d, lr %g, seed %d — %s",
        options.method().id(),
        options.preset().config().name(),
        options.batch(),
        options.learningRate(),
        options.seed(),
        options.data().getFileName());
  }

  private static String summary(EpochRecord r, boolean best) {
    StringBuilder sb =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "epoch %d: loss %.4f, %.1f samples/s, data wait %.1f%%",
                r.epoch(),
                r.loss().get("loss"),
                r.samplesPerSecond(),
                100 * r.dataWaitShare()));
    if (r.validation() != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "; val cIoU(AP50) %.3f, AUC %.3f, pointing %.3f",
              r.validation().getOrDefault("ciou", Double.NaN),
              r.validation().getOrDefault("auc", Double.NaN),
              r.validation().getOrDefault("pointing", Double.NaN)));
    }
    if (best) {
      sb.append(" (best so far)");
    }
    return sb.toString();
  }

  private String resumeCommand() {
    String c = options.command();
    if (c == null) {
      return "the same avloc train command with --resume";
    }
    return c.contains("--resume") ? c : c + " --resume";
  }

  private static ModelExporter.Description description(
      TrainOptions o,
      AvLocalizerConfig config,
      TrainingData clips,
      EpochRecord chosen,
      List<EpochRecord> history,
      String startedAt) {
    Map<String, Object> training = new LinkedHashMap<>();
    training.put("data", o.data().toAbsolutePath().normalize().toString());
    training.put("dataFormat", o.dataFormat());
    training.put("clips", clips.size());
    if (clips.composer() != null) {
      training.put("clipsPerEpoch", "composed on the fly, new every epoch");
    }
    if (o.val() != null) {
      training.put("validation", o.val().toAbsolutePath().normalize().toString());
    }
    training.put("command", o.command() == null ? "(API)" : o.command());
    training.putAll(o.fingerprint());
    training.put("epochs", history.size());
    training.put("bestEpoch", chosen.epoch());
    training.put("engine", "PyTorch (DJL)");
    training.put("seconds", history.stream().mapToDouble(EpochRecord::seconds).sum());
    training.put(
        "samplesPerSecond",
        history.stream().mapToDouble(EpochRecord::samplesPerSecond).average().orElse(0));
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (chosen.validation() != null) {
      chosen.validation().forEach((k, v) -> metrics.put("val." + k, v));
    }
    metrics.put("train.loss", chosen.loss().get("loss"));
    List<String> deviations = new ArrayList<>();
    if (o.detectorTrunk() != null) {
      training.put("visualTrunk", o.detectorTrunk().fingerprint());
      deviations.add(
          "visual trunk: the frozen COCO CenterNet ("
              + o.detectorTrunk().outputNode()
              + " at "
              + o.detectorTrunk().inputSize()
              + " px), features "
              + (o.detectorTrunk().normalizeFeatures()
                  ? "L2-normalised per position"
                  : "raw (not L2-normalised per position)")
              + "; only the head and the audio network are trained");
      if (o.detectorTrunk().audioBatchNorm()) {
        deviations.add(
            "audio: a batch norm over the pooled audio features before the projection (avloc's;"
                + " a trunk trained from scratch pools every sound to nearly the same vector)");
      }
    } else if (o.imagenet() == null) {
      deviations.add(
          "the visual trunk was trained from a random initialization (no ImageNet weights)");
    }
    if (o.detectorTrunk() == null && config.name().equals("lite")) {
      deviations.add("lite preset: 160 px images, quarter-width trunks, D = 128 (CPU-sized)");
    }
    if (o.method() == TrainingMethod.MARGINNCE) {
      deviations.add(
          "MarginNCE: the margin is subtracted from the positive cosine before dividing by tau, in"
              + " both directions (assumed form; the reference code is not public)");
    }
    if (o.method() == TrainingMethod.FNAC) {
      deviations.add(
          "FNAC: the spectrogram masks are seeded (the reference draws them from unseeded Python"
              + " random)");
    }
    deviations.add(
        "model selection on the --val set after every epoch (AP50, bicubic upsampling), as the"
            + " reference's train.py does on its test set");
    String name =
        o.name() != null
            ? o.name()
            : o.method().id() + (o.detectorTrunk() == null ? "-" : "-centernet-") + config.name();
    String version = o.version() != null ? o.version() : startedAt;
    return new ModelExporter.Description(
        name,
        version,
        o.method().id(),
        training,
        metrics,
        deviations,
        ModelExporter.DEFAULT_FIXED_BATCHES);
  }
}
