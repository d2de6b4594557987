package io.avloc.training.synth;

import io.avloc.training.synth.AssetLibrary.Recording;
import io.avloc.training.synth.AssetLibrary.Sprite;
import io.avloc.training.synth.SceneComposer.Part;
import io.avloc.training.synth.SceneComposer.Placed;
import io.avloc.training.synth.SceneComposer.Scene;
import io.avloc.training.synth.SoundMixer.Mix;
import io.avloc.training.synth.SoundMixer.Used;
import io.avloc.training.synth.SoundMixer.Voice;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Makes clip number {@code index} of a run as a pure function of (assets, split, seed, index), so
 * that clips can be made in any order on any number of threads.
 *
 * <p>Thread-safe: holds only the shared read-only assets.
 */
final class ClipGenerator {

  /** JPEG quality of the frames. */
  static final float JPEG_QUALITY = 0.9f;

  /** Objects per picture: 1 + U{0..3}. */
  static final int MAX_OBJECTS = 4;

  /** The label of the sound of a noise-only clip. */
  static final String NOISE_CLASS = "noise";

  private final AssetLibrary assets;
  private final long seed;

  ClipGenerator(AssetLibrary assets, long seed) {
    this.assets = assets;
    this.seed = seed;
  }

  /**
   * A made clip.
   *
   * @param soundClass what is heard: a class, an off-screen source, classes joined by {@code +}
   *     (two sources, sorted), or {@value #NOISE_CLASS}
   * @param boxes normalized {@code [x1, y1, x2, y2]} of the sounding objects, in the order of the
   *     classes in {@code soundClass}; empty when nothing on screen is heard
   * @param manifest the clip's manifest line (provenance of every file used)
   */
  record Clip(
      String id,
      ClipType type,
      String soundClass,
      List<String> heard,
      List<double[]> boxes,
      byte[] jpeg,
      byte[] wav,
      Map<String, Object> manifest) {}

  /** The id of clip {@code index}: {@code <split>_s<seed>_<index, 6 digits>}. */
  static String id(Split split, long seed, int index) {
    return String.format(java.util.Locale.ROOT, "%s_s%d_%06d", split.label(), seed, index);
  }

  /** The seed of clip {@code index}'s random generator. */
  static long clipSeed(long seed, Split split, long index) {
    return hash(hash(hash(0x5EED_A0C5_0000_0001L, seed), split.ordinal()), index);
  }

  private static long hash(long h, long v) {
    return new SplittableRandom(h ^ v).nextLong();
  }

  /** The type of clip {@code index}: slot {@code index % 20} of its shuffled block. */
  static ClipType type(long seed, Split split, int index) {
    ClipType[] slots = new ClipType[ClipType.BLOCK];
    int k = 0;
    for (ClipType t : ClipType.values()) {
      for (int i = 0; i < t.slots(); i++) {
        slots[k++] = t;
      }
    }
    SplittableRandom rng =
        new SplittableRandom(hash(clipSeed(seed, split, -1), index / ClipType.BLOCK));
    for (int i = slots.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      ClipType t = slots[i];
      slots[i] = slots[j];
      slots[j] = t;
    }
    return slots[index % ClipType.BLOCK];
  }

  Clip make(int index) {
    Split split = assets.split();
    long clipSeed = clipSeed(seed, split, index);
    SplittableRandom rng = new SplittableRandom(clipSeed);
    ClipType type = type(seed, split, index);
    List<String> pool = new ArrayList<>(assets.classes());
    int k = 1 + rng.nextInt(MAX_OBJECTS);
    if (type == ClipType.TWO_SOURCES) {
      k = Math.max(k, 2);
    }
    if (type == ClipType.MISMATCHED || type == ClipType.OFFSCREEN) {
      k = Math.min(k, pool.size() - 1); // leave a class to be heard
    }
    k = Math.min(k, pool.size());

    List<String> sounding = new ArrayList<>();
    List<Voice> voices = new ArrayList<>();
    String heardAbsent = null;
    switch (type) {
      case SINGLE -> sounding.add(take(pool, rng));
      case TWO_SOURCES -> {
        sounding.add(take(pool, rng));
        sounding.add(take(pool, rng));
        sounding.sort(null);
      }
      case OFFSCREEN -> {
        Map<String, List<Recording>> offscreen = assets.offscreen();
        if (!offscreen.isEmpty() && rng.nextInt(3) < 2) {
          List<String> labels = List.copyOf(offscreen.keySet());
          String label = labels.get(rng.nextInt(labels.size()));
          voices.add(voice(offscreen.get(label), "off_screen", rng));
        } else {
          heardAbsent = take(pool, rng);
        }
      }
      case MISMATCHED -> heardAbsent = take(pool, rng);
      case NOISE_ONLY -> {}
    }
    for (String s : sounding) {
      voices.add(voice(assets.sounds(s), "on_screen", rng));
    }
    if (heardAbsent != null) {
      voices.add(voice(assets.sounds(heardAbsent), "off_screen", rng));
    }

    // The picture: the sounding classes, then silent distractors of other classes. A distractor
    // is a hard negative (same super-category as what is heard) half of the time.
    List<String> picture = new ArrayList<>(sounding);
    String anchor =
        !sounding.isEmpty() ? sounding.get(0) : heardAbsent; // null for pool sounds and noise
    boolean forceSameGroup = type == ClipType.MISMATCHED;
    while (picture.size() < k) {
      List<String> same = new ArrayList<>();
      if (anchor != null) {
        for (String c : pool) {
          if (assets.group(c).equals(assets.group(anchor))) {
            same.add(c);
          }
        }
      }
      boolean hard = !same.isEmpty() && (forceSameGroup || rng.nextBoolean());
      forceSameGroup = false;
      String c = hard ? same.get(rng.nextInt(same.size())) : pool.get(rng.nextInt(pool.size()));
      pool.remove(c);
      picture.add(c);
    }
    List<Part> parts = new ArrayList<>();
    for (String c : picture) {
      List<Sprite> options = assets.sprites(c);
      parts.add(new Part(c, options.get(rng.nextInt(options.size())), sounding.contains(c)));
    }
    Scene scene = SceneComposer.compose(assets.backdrops(), parts, rng);
    List<Recording> beds = assets.noise();
    Mix mix = SoundMixer.mix(voices, beds.get(rng.nextInt(beds.size())), rng);

    List<double[]> boxes = new ArrayList<>();
    for (String s : sounding) {
      for (Placed p : scene.objects()) {
        if (p.part().cls().equals(s)) {
          boxes.add(normalized(p.box()));
        }
      }
    }
    List<String> heard = new ArrayList<>(sounding);
    if (heardAbsent != null) {
      heard.add(heardAbsent);
    }
    if (heard.isEmpty() && !voices.isEmpty()) {
      heard.add(voices.get(0).recording().entry().label());
    }
    String soundClass = heard.isEmpty() ? NOISE_CLASS : String.join("+", heard);
    String id = id(split, seed, index);
    Map<String, Object> manifest =
        manifest(id, index, clipSeed, type, soundClass, boxes, scene, mix);
    return new Clip(
        id,
        type,
        soundClass,
        List.copyOf(heard),
        List.copyOf(boxes),
        jpeg(scene.image()),
        SoundMixer.wav(mix.samples(), AssetLibrary.SAMPLE_RATE),
        manifest);
  }

  private static String take(List<String> pool, SplittableRandom rng) {
    return pool.remove(rng.nextInt(pool.size()));
  }

  private static Voice voice(List<Recording> options, String role, SplittableRandom rng) {
    return new Voice(options.get(rng.nextInt(options.size())), options.size() == 1, role);
  }

  /** Inclusive pixel box to VGG-SS's {@code [x1, y1, x2, y2]}: exact multiples of 1/256. */
  static double[] normalized(int[] box) {
    double s = SceneComposer.SIZE;
    return new double[] {box[0] / s, box[1] / s, (box[2] + 1) / s, (box[3] + 1) / s};
  }

  private Map<String, Object> manifest(
      String id,
      int index,
      long clipSeed,
      ClipType type,
      String soundClass,
      List<double[]> boxes,
      Scene scene,
      Mix mix) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", id);
    m.put("split", assets.split().label());
    m.put("seed", seed);
    m.put("index", index);
    m.put("clip_seed", clipSeed);
    m.put("type", type.label());
    m.put("class", soundClass);
    m.put("bbox", boxes);
    m.put("frame", "frames/" + id + ".jpg");
    m.put("audio", "audio/" + id + ".wav");
    SceneComposer.Ground g = scene.ground();
    Map<String, Object> bg = provenance(g.backdrop().entry());
    bg.put("crop", g.crop());
    bg.put("mirrored", g.mirrored());
    bg.put("brightness", round(g.brightness()));
    bg.put("contrast", round(g.contrast()));
    bg.put("saturation", round(g.saturation()));
    m.put("background", bg);
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Placed p : scene.objects()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("class", p.part().cls());
      o.putAll(provenance(p.part().sprite().entry()));
      o.put("bbox", p.box() == null ? null : normalized(p.box()));
      o.put("is_sounding", p.part().sounding());
      o.put("depth", p.depth());
      o.put("area_fraction", round(p.areaFraction()));
      o.put("visible_fraction", round(p.visibleFraction()));
      o.put("rotation_deg", round(p.rotationDeg()));
      o.put("mirrored", p.mirrored());
      o.put("brightness", round(p.brightness()));
      objects.add(o);
    }
    m.put("objects", objects);
    List<Map<String, Object>> sources = new ArrayList<>();
    for (Used u : mix.sources()) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("role", u.role());
      s.put("class", u.recording().entry().label());
      s.putAll(provenance(u.recording().entry()));
      s.put("gain", round(u.gain()));
      s.put("speed", round(u.speed()));
      s.put("mode", u.mode());
      s.put("start_s", round(u.startSeconds()));
      sources.add(s);
    }
    m.put("audio_sources", sources);
    m.put("snr_db", Double.isNaN(mix.snrDb()) ? null : round(mix.snrDb()));
    m.put("peak", round(mix.peak()));
    return m;
  }

  private static Map<String, Object> provenance(CatalogEntry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("src_file", e.path());
    m.put("package", e.pkg());
    m.put("licence", e.licence());
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 1e4) / 1e4;
  }

  static byte[] jpeg(BufferedImage image) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a JPEG frame", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
