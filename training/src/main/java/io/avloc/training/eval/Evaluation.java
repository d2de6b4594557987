package io.avloc.training.eval;

import io.avloc.core.artifact.PreprocessingContract;
import io.avloc.core.audio.AudioDecodeException;
import io.avloc.core.audio.LogSpectrogram;
import io.avloc.core.heatmap.HeatmapOverlay;
import io.avloc.core.heatmap.HeatmapUpsampler;
import io.avloc.core.heatmap.MinMax;
import io.avloc.core.heatmap.ObjectGuidedLocalization;
import io.avloc.core.heatmap.PeakFinder;
import io.avloc.core.heatmap.Upsampling;
import io.avloc.core.image.ImageDecodeException;
import io.avloc.core.image.RgbImage;
import io.avloc.core.metrics.GroundTruth;
import io.avloc.core.metrics.LocalizationEvaluator;
import io.avloc.core.metrics.LocalizationSummary;
import io.avloc.core.metrics.NormalizedBox;
import io.avloc.core.metrics.PixelBox;
import io.avloc.core.metrics.SampleScore;
import io.avloc.training.ProgressBar;
import io.avloc.training.data.Annotation;
import io.avloc.training.data.Sample;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Scores a localization network on an annotated test set with the field's protocol (docs/methods.md
 * §5, §6): for every clip, the own-pair similarity map is upsampled to 224×224 ({@link
 * Upsampling}), min-max normalized, optionally mixed with an object map ({@link ObjectPrior}: a
 * frozen ImageNet ResNet-18 as EZ-VSL, or the COCO CenterNet's objectness) (OGL), and scored
 * against the 224×224 ground truth with core's {@link LocalizationEvaluator} (cIoU with the median
 * threshold, AP50, AUC, pointing, oracle).
 *
 * <p>Images are preprocessed as at test time (exact resize to the network's input size, PIL
 * bicubic, ImageNet normalization) and audio as everywhere else (16 kHz, centred 3 s, log
 * spectrogram): the same core code the server runs. Ground truth is always 224×224, whatever the
 * network's input size: a smaller network's map is upsampled straight to 224.
 *
 * <p>Clips without a visible source (off-screen or silent) have nothing to localize; they are not
 * in the cIoU metrics, but they are the negatives of the on/off-screen AP, which asks whether the
 * audio-visual score (the largest cosine of the map) is higher when the source is in the picture.
 *
 * <p>Not thread-safe; one run at a time.
 */
public final class Evaluation {

  /** Side of the scored maps: the protocol's 224. */
  public static final int MAP_SIZE = GroundTruth.SIZE;

  private final MapPredictor predictor;
  private final ObjectPrior objects;
  private final Options options;
  private final PreprocessingContract preprocessing;
  private final HeatmapOverlay overlay = new HeatmapOverlay();

  /**
   * How a run scores and what it writes.
   *
   * @param map which map is scored
   * @param upsampling how the network's map is brought to 224×224; {@code test.py} uses bilinear
   *     (align_corners = True), the papers' per-epoch model selection ({@code train.py:validate})
   *     bicubic
   * @param alpha weight of the AV map in the OGL mix ({@code av+obj})
   * @param imageSize the network's input size (from the manifest or preset)
   * @param batchSize clips per forward pass
   * @param overlays folder for {@code <id>.png} overlays, or {@code null}
   * @param maps folder for {@code <id>.f32} final maps, or {@code null}
   */
  public record Options(
      MapKind map,
      Upsampling upsampling,
      double alpha,
      int imageSize,
      int batchSize,
      Path overlays,
      Path maps) {

    /** The default batch size. */
    public static final int DEFAULT_BATCH = 16;

    public Options {
      Objects.requireNonNull(map, "map");
      Objects.requireNonNull(upsampling, "upsampling");
      if (!(alpha >= 0 && alpha <= 1)) {
        throw new IllegalArgumentException("alpha must be in [0,1], got " + alpha);
      }
      if (imageSize < 1) {
        throw new IllegalArgumentException("imageSize must be positive, got " + imageSize);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
      }
    }

    /**
     * The AV map, bilinear upsampling (as {@code test.py}), α = 0.4, batch {@value #DEFAULT_BATCH},
     * no files written.
     */
    public static Options defaults(int imageSize) {
      return new Options(
          MapKind.AV,
          Upsampling.BILINEAR_ALIGN_CORNERS,
          ObjectGuidedLocalization.DEFAULT_ALPHA,
          imageSize,
          DEFAULT_BATCH,
          null,
          null);
    }

    public Options withMap(MapKind value) {
      return new Options(value, upsampling, alpha, imageSize, batchSize, overlays, maps);
    }

    public Options withUpsampling(Upsampling value) {
      return new Options(map, value, alpha, imageSize, batchSize, overlays, maps);
    }

    public Options withAlpha(double value) {
      return new Options(map, upsampling, value, imageSize, batchSize, overlays, maps);
    }

    public Options withBatchSize(int value) {
      return new Options(map, upsampling, alpha, imageSize, value, overlays, maps);
    }

    public Options withOverlays(Path value) {
      return new Options(map, upsampling, alpha, imageSize, batchSize, value, maps);
    }

    public Options withMaps(Path value) {
      return new Options(map, upsampling, alpha, imageSize, batchSize, overlays, value);
    }
  }

  /**
   * With the standard preprocessing contract at the options' image size (the trainer's validation:
   * the contract the trainer itself uses).
   *
   * @param predictor runs the network
   * @param objects the object prior ({@link ObjectBackbone}, EZ-VSL's frozen ImageNet ResNet-18, or
   *     {@link DetectorPrior}, the COCO CenterNet's objectness); required for the {@code obj} and
   *     {@code av+obj} maps, otherwise may be {@code null}
   */
  public Evaluation(MapPredictor predictor, ObjectPrior objects, Options options) {
    this(predictor, objects, options, PreprocessingContract.standard(options.imageSize()));
  }

  /**
   * @param predictor runs the network
   * @param objects the object prior ({@link ObjectBackbone} or {@link DetectorPrior}); required for
   *     the {@code obj} and {@code av+obj} maps, otherwise may be {@code null}
   * @param preprocessing the model's contract (from its artifact: {@code
   *     ModelArtifact.preprocessing()}); its image size must be the options'
   */
  public Evaluation(
      MapPredictor predictor,
      ObjectPrior objects,
      Options options,
      PreprocessingContract preprocessing) {
    this.predictor = Objects.requireNonNull(predictor, "predictor");
    this.options = Objects.requireNonNull(options, "options");
    this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
    if (preprocessing.imageSize() != options.imageSize()) {
      throw new IllegalArgumentException(
          "the options' image size "
              + options.imageSize()
              + " is not the model's "
              + preprocessing.imageSize());
    }
    if (options.map().needsObjectMap() && objects == null) {
      throw new IllegalArgumentException(
          "the "
              + options.map()
              + " map needs an object prior: the frozen ImageNet ResNet-18 of OGL (torchvision"
              + " resnet18 weights as .npz; "
              + ObjectBackbone.HOW_TO_EXPORT
              + ") or the CenterNet detector");
    }
    this.objects = objects;
  }

  /** The preprocessing contract the clips go through. */
  public PreprocessingContract preprocessing() {
    return preprocessing;
  }

  /** The upsampling of a command-line name: {@code bilinear} or {@code bicubic}. */
  public static Upsampling upsampling(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "bilinear" -> Upsampling.BILINEAR_ALIGN_CORNERS;
      case "bicubic" -> Upsampling.BICUBIC;
      default ->
          throw new IllegalArgumentException(
              "unknown upsampling '" + name + "'; known: bilinear, bicubic");
    };
  }

  /** The command-line name of an upsampling. */
  public static String label(Upsampling upsampling) {
    return switch (upsampling) {
      case BILINEAR_ALIGN_CORNERS -> "bilinear";
      case BICUBIC -> "bicubic";
    };
  }

  public Options options() {
    return options;
  }

  /**
   * Evaluates the clips, in order.
   *
   * @param samples annotated clips; a clip without an annotation is an error
   * @param progress where to draw a progress line, or {@code null} for none
   * @throws IllegalArgumentException naming the clip, for an unannotated clip, an unreadable frame
   *     or audio file, or a test set without any visible source
   * @throws IOException if an overlay or map file cannot be written
   */
  public EvalReport run(List<Sample> samples, PrintStream progress) throws IOException {
    Objects.requireNonNull(samples, "samples");
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no clips to evaluate");
    }
    int onScreen = 0;
    for (Sample s : samples) {
      if (!s.annotated()) {
        throw new IllegalArgumentException(
            "clip "
                + s.id()
                + " has no annotation; evaluation needs ground truth (a VGG-SS or"
                + " Flickr-SoundNet test set)");
      }
      onScreen += s.annotation().onScreen() ? 1 : 0;
    }
    if (onScreen == 0) {
      throw new IllegalArgumentException(
          "none of the "
              + samples.size()
              + " clips has a visible sound source (every annotation is empty), so there is"
              + " nothing to localize");
    }
    for (Path dir : new Path[] {options.overlays(), options.maps()}) {
      if (dir != null) {
        Files.createDirectories(dir);
      }
    }
    LocalizationEvaluator evaluator = new LocalizationEvaluator();
    double[] scores = new double[samples.size()];
    boolean[] visible = new boolean[samples.size()];
    ProgressBar bar =
        progress == null
            ? null
            : new ProgressBar(progress, "eval " + options.map(), samples.size(), "clips");
    for (int start = 0; start < samples.size(); start += options.batchSize()) {
      List<Sample> batch =
          samples.subList(start, Math.min(samples.size(), start + options.batchSize()));
      Inputs in = prepare(batch);
      MapPredictor.Prediction p = predictor.predict(in.images, in.spectrograms, in.n, in.frames);
      if (p.n() != in.n) {
        throw new IllegalStateException(
            "the network returned " + p.n() + " maps for a batch of " + in.n);
      }
      double[][] objectMaps = objects == null ? null : objects.maps(in.pictures, in.n, MAP_SIZE, p);
      for (int i = 0; i < in.n; i++) {
        Sample s = batch.get(i);
        double[] raw = p.map(i);
        double avScore = max(raw);
        double[] map = finalMap(raw, p.height(), p.width(), objectMaps, i);
        SampleScore score = null;
        if (s.annotation().onScreen()) {
          score = evaluator.add(s.id(), map, s.annotation().groundTruthMap());
        }
        scores[start + i] = avScore;
        visible[start + i] = s.annotation().onScreen();
        if (options.maps() != null) {
          MapFile.write(options.maps().resolve(fileName(s.id()) + MapFile.EXTENSION), map);
        }
        if (options.overlays() != null) {
          writeOverlay(s, in.pictures[i], map, score, avScore);
        }
      }
      if (bar != null) {
        if (evaluator.size() > 0) {
          bar.status(String.format(Locale.ROOT, "cIoU %.1f", 100 * evaluator.summary().ap50()));
        }
        bar.step(in.n);
      }
    }
    if (bar != null) {
      bar.finish();
    }
    LocalizationSummary summary = evaluator.summary();
    int offscreen = samples.size() - onScreen;
    return new EvalReport(
        options.map().label(),
        label(options.upsampling()),
        options.map() == MapKind.AV_OBJ ? options.alpha() : null,
        options.imageSize(),
        summary,
        offscreen,
        offscreen == 0 ? null : AveragePrecision.of(scores, visible));
  }

  /** Upsample → min-max (→ OGL mix): the map that is scored, 224×224. */
  private double[] finalMap(double[] raw, int h, int w, double[][] objectMaps, int i) {
    MapKind kind = options.map();
    if (kind == MapKind.CENTRE) {
      return CentrePrior.map(MAP_SIZE);
    }
    double[] av =
        kind == MapKind.OBJ
            ? null
            : MinMax.normalize(
                HeatmapUpsampler.upsample(raw, h, w, MAP_SIZE, MAP_SIZE, options.upsampling()));
    if (kind == MapKind.AV) {
      return av;
    }
    double[] obj = objectMaps[i];
    return kind == MapKind.OBJ ? obj : ObjectGuidedLocalization.mix(av, obj, options.alpha());
  }

  /** One batch, preprocessed; the decoded pictures are kept only for overlays. */
  private record Inputs(
      int n, float[] images, float[] spectrograms, int frames, RgbImage[] pictures) {}

  private Inputs prepare(List<Sample> batch) {
    int n = batch.size();
    int s = options.imageSize();
    float[] images = new float[n * 3 * s * s];
    RgbImage[] pictures = new RgbImage[n];
    float[] spectrograms = null;
    int frames = 0;
    for (int i = 0; i < n; i++) {
      Sample sample = batch.get(i);
      RgbImage picture;
      try {
        picture = preprocessing.decodeFrame(sample.image());
      } catch (ImageDecodeException e) {
        throw new IllegalArgumentException("clip " + sample.id() + ": " + e.getMessage(), e);
      }
      preprocessing.imageInto(picture, images, i * 3 * s * s);
      if (options.overlays() != null || objects != null) {
        pictures[i] = picture;
      }
      LogSpectrogram spec;
      try {
        spec = preprocessing.offlineSpectrogram(sample.audio());
      } catch (AudioDecodeException e) {
        throw new IllegalArgumentException("clip " + sample.id() + ": " + e.getMessage(), e);
      }
      if (spectrograms == null) {
        frames = spec.frames();
        spectrograms = new float[n * spec.data().length];
      } else if (spec.frames() != frames) {
        throw new IllegalStateException(
            "clip " + sample.id() + ": " + spec.frames() + " spectrogram frames, not " + frames);
      }
      System.arraycopy(spec.data(), 0, spectrograms, i * spec.data().length, spec.data().length);
    }
    return new Inputs(n, images, spectrograms, frames, pictures);
  }

  private void writeOverlay(
      Sample s, RgbImage picture, double[] map, SampleScore score, double avScore)
      throws IOException {
    String caption =
        score == null
            ? String.format(
                Locale.ROOT,
                "%s  %s map  no visible source  av score %.2f",
                s.id(),
                options.map(),
                avScore)
            : String.format(
                Locale.ROOT,
                "%s  %s map  cIoU %.2f  peak %s  av score %.2f",
                s.id(),
                options.map(),
                score.ciou(),
                score.pointing() ? "inside" : "outside",
                avScore);
    HeatmapOverlay.Marks marks =
        new HeatmapOverlay.Marks(
            List.of(),
            truthBoxes(s.annotation()),
            PeakFinder.peak(map, MAP_SIZE, MAP_SIZE),
            List.of(caption));
    byte[] png = HeatmapOverlay.encodePng(overlay.render(picture, map, MAP_SIZE, MAP_SIZE, marks));
    Files.write(options.overlays().resolve(fileName(s.id()) + ".png"), png);
  }

  /** The annotation's boxes as fractions of the frame. */
  static List<NormalizedBox> truthBoxes(Annotation annotation) {
    if (annotation instanceof Annotation.Vggss v) {
      return v.boxes();
    }
    List<NormalizedBox> boxes = new ArrayList<>();
    double side = GroundTruth.FLICKR_ANNOTATION_SIZE;
    for (PixelBox b : ((Annotation.Flickr) annotation).annotatorBoxes()) {
      boxes.add(
          new NormalizedBox(b.xmin() / side, b.ymin() / side, b.xmax() / side, b.ymax() / side));
    }
    return boxes;
  }

  /** A file name for a clip id: characters other than letters, digits, '.', '_', '-' become '_'. */
  static String fileName(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static double max(double[] values) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      m = Math.max(m, v);
    }
    return m;
  }
}
