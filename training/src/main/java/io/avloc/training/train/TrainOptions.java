package io.avloc.training.train;

import io.avloc.core.model.Preset;
import io.avloc.training.loss.FnacLoss;
import io.avloc.training.loss.MarginNceLoss;
import io.avloc.training.loss.TrainingMethod;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code avloc train} is told. Defaults follow docs/methods.md §4 where they fit a CPU
 * (batch 64 instead of 128/256 for the lite preset; constant learning rate 1e-4; weight decay 0 for
 * EZ-VSL/MarginNCE and 1e-4 for FNAC).
 *
 * @param method ezvsl, marginnce or fnac
 * @param data training data folder
 * @param dataFormat layout of {@code data} (auto, vggss, flickr, folder, video), or {@code
 *     generate[:N]}: {@code data} is the asset cache of {@code training/fetch-benchmark-assets.sh}
 *     and every epoch composes N (default {@value #DEFAULT_GENERATED_CLIPS}) new training clips
 *     from its train split
 * @param preset network sizes
 * @param out the run folder: checkpoints, logs, curves and, at the end, the model artifact
 * @param epochs epochs to train in total
 * @param batch batch size (the contrastive losses use the other B−1 clips as negatives)
 * @param learningRate Adam's constant learning rate
 * @param weightDecay L2-coupled weight decay; {@code null} for the method's default
 * @param margin MarginNCE's margin m (negative = easier positives)
 * @param fnacWeight weight of each FNAC regularizer (FNS-a, TNE, FNS-v)
 * @param warmup FNAC epochs with the contrastive term only
 * @param seed seeds initialization, shuffling, augmentation and dropout
 * @param val validation folder (annotated), or {@code null}
 * @param valFormat layout of {@code val}
 * @param resume continue the run in {@code out}
 * @param workers data-loading threads
 * @param imagenet ImageNet ResNet-18 weights (.npz) for the visual trunk, or {@code null}
 * @param name model name (default {@code <method>-<preset>})
 * @param version model version (default the start time)
 * @param command the command line, recorded in the manifest
 * @param detectorTrunk the frozen detector as the visual trunk ({@code --detector-trunk}), or
 *     {@code null} for the preset's trainable ResNet-18
 * @param imageLevelWeight weight of the image-level term ({@code --image-level-weight}, {@link
 *     io.avloc.training.loss.ImageLevelTerm}); 0 trains the method as published
 * @param temperature the contrastive temperature τ ({@code --temperature}), or {@code null} for the
 *     preset's (0.03, the papers')
 */
public record TrainOptions(
    TrainingMethod method,
    Path data,
    String dataFormat,
    Preset preset,
    Path out,
    int epochs,
    int batch,
    float learningRate,
    Float weightDecay,
    float margin,
    float fnacWeight,
    int warmup,
    long seed,
    Path val,
    String valFormat,
    boolean resume,
    int workers,
    Path imagenet,
    String name,
    String version,
    String command,
    DetectorTrunk detectorTrunk,
    float imageLevelWeight,
    Float temperature) {

  public static final float DEFAULT_LR = 1e-4f;

  /** The {@code --data-format} that composes training clips on the fly. */
  public static final String GENERATE = "generate";

  /** Clips per epoch of {@code --data-format generate} without {@code :N}. */
  public static final int DEFAULT_GENERATED_CLIPS = 2000;

  public static final float FNAC_WEIGHT_DECAY = 1e-4f;

  public TrainOptions {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(preset, "preset");
    Objects.requireNonNull(out, "out");
    require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
    require(batch >= 2, "--batch must be at least 2 (the losses need negatives), got " + batch);
    require(learningRate > 0 && learningRate < 1, "--lr must be in (0, 1), got " + learningRate);
    require(weightDecay == null || weightDecay >= 0, "--weight-decay must be ≥ 0");
    require(warmup >= 0, "--warmup must be ≥ 0, got " + warmup);
    require(fnacWeight >= 0, "--fnac-weight must be ≥ 0, got " + fnacWeight);
    require(workers >= 1, "--workers must be at least 1, got " + workers);
    require(
        imageLevelWeight >= 0 && Float.isFinite(imageLevelWeight),
        "--image-level-weight must be a finite number ≥ 0, got " + imageLevelWeight);
    require(
        temperature == null || (temperature > 0 && temperature <= 1),
        "--temperature must be in (0, 1] (the papers use 0.03), got " + temperature);
    dataFormat = dataFormat == null ? "auto" : dataFormat;
    valFormat = valFormat == null ? "auto" : valFormat;
    if (dataFormat.startsWith(GENERATE)) {
      generatedClipsPerEpoch(dataFormat); // validates N
    }
    require(
        detectorTrunk == null || imagenet == null,
        "--imagenet loads a ResNet-18 visual trunk; --detector-trunk replaces that trunk: pass one");
  }

  /** Options with the preset's own visual trunk (no {@code --detector-trunk}). */
  public TrainOptions(
      TrainingMethod method,
      Path data,
      String dataFormat,
      Preset preset,
      Path out,
      int epochs,
      int batch,
      float learningRate,
      Float weightDecay,
      float margin,
      float fnacWeight,
      int warmup,
      long seed,
      Path val,
      String valFormat,
      boolean resume,
      int workers,
      Path imagenet,
      String name,
      String version,
      String command) {
    this(
        method,
        data,
        dataFormat,
        preset,
        out,
        epochs,
        batch,
        learningRate,
        weightDecay,
        margin,
        fnacWeight,
        warmup,
        seed,
        val,
        valFormat,
        resume,
        workers,
        imagenet,
        name,
        version,
        command,
        null,
        0f,
        null);
  }

  /** The same options with the frozen detector as the visual trunk. */
  public TrainOptions withDetectorTrunk(DetectorTrunk trunk) {
    return with(trunk, imageLevelWeight, temperature);
  }

  /** The same options with the image-level term at {@code weight} (0: off). */
  public TrainOptions withImageLevelWeight(float weight) {
    return with(detectorTrunk, weight, temperature);
  }

  /** The same options with contrastive temperature {@code tau} ({@code null}: the preset's). */
  public TrainOptions withTemperature(Float tau) {
    return with(detectorTrunk, imageLevelWeight, tau);
  }

  private TrainOptions with(DetectorTrunk trunk, float weight, Float tau) {
    return new TrainOptions(
        method,
        data,
        dataFormat,
        preset,
        out,
        epochs,
        batch,
        learningRate,
        weightDecay,
        margin,
        fnacWeight,
        warmup,
        seed,
        val,
        valFormat,
        resume,
        workers,
        imagenet,
        name,
        version,
        command,
        trunk,
        weight,
        tau);
  }

  /** Whether training clips are composed on the fly ({@code --data-format generate[:N]}). */
  public boolean generated() {
    return dataFormat.equals(GENERATE) || dataFormat.startsWith(GENERATE + ":");
  }

  /** N of {@code --data-format generate:N}: clips composed per epoch. */
  public int generatedClipsPerEpoch() {
    return generatedClipsPerEpoch(dataFormat);
  }

  /**
   * Whether {@code --data-format generate[:N]:class-tones} asked for the diagnostic sound track
   * (each class heard replaced by its own pure tone, {@code TrainingClips#withClassTones}).
   */
  public boolean classTones() {
    return generated() && dataFormat.endsWith(":" + CLASS_TONES);
  }

  /** The {@code generate} suffix for {@link #classTones()}. */
  public static final String CLASS_TONES = "class-tones";

  private static int generatedClipsPerEpoch(String format) {
    String rest = format.startsWith(GENERATE) ? format.substring(GENERATE.length()) : null;
    if (rest != null && rest.endsWith(":" + CLASS_TONES)) {
      rest = rest.substring(0, rest.length() - CLASS_TONES.length() - 1);
    }
    if ("".equals(rest)) {
      return DEFAULT_GENERATED_CLIPS;
    }
    String n = rest != null && rest.startsWith(":") ? rest.substring(1) : "";
    try {
      int clips = Integer.parseInt(n);
      if (clips >= 1) {
        return clips;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "--data-format "
            + format
            + ": write generate or generate:N with N the clips per epoch (a positive integer),"
            + " optionally followed by :"
            + CLASS_TONES
            + " (a diagnostic: every sound replaced by its class's tone)");
  }

  /** Defaults for everything but the method, data, preset and output. */
  public static TrainOptions defaults(TrainingMethod method, Path data, Preset preset, Path out) {
    return new TrainOptions(
        method,
        data,
        "auto",
        preset,
        out,
        20,
        64,
        DEFAULT_LR,
        null,
        MarginNceLoss.DEFAULT_MARGIN,
        FnacLoss.DEFAULT_WEIGHT,
        FnacLoss.DEFAULT_WARMUP,
        42,
        null,
        "auto",
        false,
        2,
        null,
        null,
        null,
        null);
  }

  /** The weight decay in effect. */
  public float effectiveWeightDecay() {
    if (weightDecay != null) {
      return weightDecay;
    }
    return method == TrainingMethod.FNAC ? FNAC_WEIGHT_DECAY : 0f;
  }

  /** The options that must not change when a run is resumed. */
  Map<String, Object> fingerprint() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method.id());
    m.put("preset", preset.config().name());
    m.put("batch", batch);
    m.put("lr", decimal(learningRate));
    m.put("weight_decay", decimal(effectiveWeightDecay()));
    m.put("seed", seed);
    if (generated()) {
      // The composed clips are a function of (assets, seed, epoch, index): a resumed run must
      // compose the same epochs.
      m.put("data_format", dataFormat);
    }
    if (method == TrainingMethod.MARGINNCE) {
      m.put("margin", decimal(margin));
    }
    if (detectorTrunk != null) {
      m.putAll(detectorTrunk.fingerprint());
    }
    if (imageLevelWeight != 0f) {
      m.put("image_level_weight", decimal(imageLevelWeight));
    }
    if (temperature != null) {
      m.put("temperature", decimal(temperature));
    }
    if (method == TrainingMethod.FNAC) {
      m.put("fnac_weight", decimal(fnacWeight));
      m.put("warmup", warmup);
    }
    return m;
  }

  /** The float as the user wrote it (1e-4, not 9.99999974737875E-5). */
  private static double decimal(float f) {
    return Double.parseDouble(Float.toString(f));
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
