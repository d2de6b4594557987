package io.avloc.training.synth;

import io.avloc.core.audio.AudioClip;
import io.avloc.core.audio.AudioDecodeException;
import io.avloc.core.audio.AudioDecoder;
import io.avloc.core.image.ImageDecoder;
import io.avloc.training.data.ClipComposer;
import io.avloc.training.data.ComposedClip;
import io.avloc.training.data.DatasetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training clips composed on the fly from the train half of the media (issue 10: no clip seen
 * twice). Clip {@code index} of {@code epoch} is the clip {@code avloc data synth} would write at
 * {@code index} with the seed {@link #epochSeed(long, int) epochSeed(seed, epoch)}: a new
 * background crop, new objects and placement, distractors, sound window, gain, speed and noise for
 * every (epoch, index), drawn from a generator seeded from (seed, epoch, index) alone. The frame
 * goes through the same JPEG encoding as the files of a fixed set (so training sees the same
 * artefacts as validation and test) and the sound through the same 16-bit quantization.
 *
 * <p>Thread-safe: the media are decoded once, read only afterwards.
 */
public final class TrainingClips implements ClipComposer {

  private final AssetLibrary library;
  private final long seed;
  private final int clipsPerEpoch;
  private final String source;

  /** Non-null: every clip's sound replaced by its classes' tones (a diagnostic, see there). */
  private final ClassTones tones;

  private TrainingClips(
      AssetLibrary library, long seed, int clipsPerEpoch, String source, ClassTones tones) {
    this.library = library;
    this.seed = seed;
    this.clipsPerEpoch = clipsPerEpoch;
    this.source = source;
    this.tones = tones;
  }

  /**
   * The same clips with every sound replaced by a pure tone per class heard ({@link ClassTones}):
   * an audio side that names the class exactly, to test what the rest of training can learn.
   */
  public TrainingClips withClassTones() {
    return new TrainingClips(
        library,
        seed,
        clipsPerEpoch,
        source + "; DIAGNOSTIC: each sound replaced by its class's tone (class-tones)",
        new ClassTones(library.classes(), AssetLibrary.SAMPLE_RATE));
  }

  /**
   * Decodes the train half of {@code catalog}'s media.
   *
   * @param assets the asset cache (or its {@code root/})
   * @param clipsPerEpoch composites per epoch, at least 1
   * @throws AssetException when the assets are missing, incomplete or do not decode
   */
  public static TrainingClips open(Catalog catalog, Path assets, long seed, int clipsPerEpoch) {
    if (clipsPerEpoch < 1) {
      throw new IllegalArgumentException(
          "clips per epoch must be at least 1, got " + clipsPerEpoch);
    }
    Path root = AssetLibrary.resolveRoot(assets);
    AssetLibrary library = AssetLibrary.load(root, catalog, Split.TRAIN);
    return new TrainingClips(
        library,
        seed,
        clipsPerEpoch,
        String.format(
            Locale.ROOT,
            "composed on the fly from %s (train split of %s), %d clips per epoch, seed %d",
            root,
            catalog.source(),
            clipsPerEpoch,
            seed),
        null);
  }

  /** A catalog file in an asset folder that replaces the bundled catalog for that folder. */
  public static final String LOCAL_CATALOG = "catalog.tsv";

  /**
   * {@link #open(Catalog, Path, long, int)} with the catalog {@code assets/catalog.tsv} if there is
   * one (media of your own, same columns), else the bundled catalog.
   */
  public static TrainingClips open(Path assets, long seed, int clipsPerEpoch) {
    Path local = assets.resolve(LOCAL_CATALOG);
    Catalog catalog = Files.isRegularFile(local) ? Catalog.load(local) : Catalog.bundled();
    return open(catalog, assets, seed, clipsPerEpoch);
  }

  /** The {@code avloc data synth} seed whose clips make epoch {@code epoch}. */
  static long epochSeed(long seed, int epoch) {
    long h = new SplittableRandom(seed ^ 0x7A11_C11B_5EEDL).nextLong();
    return new SplittableRandom(h + 0x9E3779B97F4A7C15L * (epoch + 1L)).nextLong();
  }

  @Override
  public int clipsPerEpoch() {
    return clipsPerEpoch;
  }

  /** The training classes (with pictures and sounds in the train split). */
  public java.util.List<String> classes() {
    return library.classes();
  }

  /** The full clip (frame as JPEG, sound as WAV, manifest) behind {@link #compose}. */
  ClipGenerator.Clip make(int epoch, int index) {
    if (index < 0 || index >= clipsPerEpoch) {
      throw new IndexOutOfBoundsException(
          "clip " + index + " of an epoch of " + clipsPerEpoch + " clips");
    }
    return new ClipGenerator(library, epochSeed(seed, epoch)).make(index);
  }

  @Override
  public ComposedClip compose(int epoch, int index) {
    ClipGenerator.Clip clip = make(epoch, index);
    String id = String.format(Locale.ROOT, "gen_e%d_%06d", epoch, index);
    try {
      AudioClip audio = AudioDecoder.decode(clip.wav(), Path.of(id + ".wav"));
      if (tones != null) {
        long toneSeed = epochSeed(seed, epoch) * 31 + index;
        audio =
            new AudioClip(
                tones.render(clip.heard(), audio.samples().length, toneSeed), audio.sampleRate());
      }
      return new ComposedClip(id, ImageDecoder.decode(clip.jpeg()), audio);
    } catch (AudioDecodeException | RuntimeException e) {
      throw new DatasetException("cannot decode composed clip " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return source;
  }
}
