package io.avloc.training.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.avloc.core.serde.Json;
import io.avloc.training.synth.ClipGenerator.Clip;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The realistic synthetic audio-visual benchmark (DATA.md §4, docs/benchmark-data.md): real
 * recorded sounds and real cut-outs from Debian packages, composed on real photos, written in the
 * VGG-SS layout.
 *
 * <pre>
 * OUT/frames/ID.jpg     256×256 JPEG (quality 90), see {@link SceneComposer}
 * OUT/audio/ID.wav      3 s, 16 kHz, mono, 16-bit PCM, see {@link SoundMixer}
 * OUT/vggss.json        [{"file": ID, "class": ..., "bbox": [[x1, y1, x2, y2], ...]}, ...]
 * OUT/manifest.jsonl    one line per clip: type, seed, and the package and licence of every file
 * OUT/.avloc-synth      marks the folder as this generator's, so that a rerun may replace it
 * </pre>
 *
 * The output is a function of (catalog, asset files, split, seed, number of clips): clip {@code i}
 * draws from its own generator seeded from (seed, split, i), so the bytes do not depend on the
 * number of threads.
 */
public final class SynthBenchmark {

  public static final String FRAMES = "frames";
  public static final String AUDIO = "audio";
  public static final String ANNOTATIONS = "vggss.json";
  public static final String MANIFEST = "manifest.jsonl";
  public static final String MARKER = ".avloc-synth";

  /** Environment variable that overrides the default asset cache folder. */
  public static final String CACHE_ENV = "AVLOC_ASSET_CACHE";

  private SynthBenchmark() {}

  /**
   * The asset cache of {@code training/fetch-benchmark-assets.sh}: {@code $AVLOC_ASSET_CACHE}, or
   * {@code ~/.cache/avloc/benchmark-assets}.
   */
  public static Path defaultAssets() {
    String env = System.getenv(CACHE_ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "avloc", "benchmark-assets");
  }

  /**
   * {@link #generate(Catalog, Path, Path, int, Split, long, int, LongConsumer)} with the bundled
   * catalog.
   */
  public static SynthSummary generate(
      Path assets,
      Path out,
      int clips,
      Split split,
      long seed,
      int threads,
      LongConsumer progress) {
    return generate(Catalog.bundled(), assets, out, clips, split, seed, threads, progress);
  }

  /**
   * Writes {@code clips} clips of {@code split} to {@code out}.
   *
   * @param catalog the media to use
   * @param assets the asset cache (or its {@code root/} folder) that the catalog's paths are
   *     relative to
   * @param out an empty or missing folder, or the output of an earlier run (which is replaced)
   * @param threads clips made at once (the output does not depend on it)
   * @param progress told {@code 1} after each clip is written, from the calling thread
   * @throws IllegalArgumentException for bad arguments or an {@code out} that holds other things
   * @throws AssetException when the assets are missing, incomplete or do not decode
   */
  public static SynthSummary generate(
      Catalog catalog,
      Path assets,
      Path out,
      int clips,
      Split split,
      long seed,
      int threads,
      LongConsumer progress) {
    if (clips < 1) {
      throw new IllegalArgumentException("the number of clips must be at least 1, got " + clips);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    checkOutput(out);
    long start = System.nanoTime();
    AssetLibrary library = AssetLibrary.load(AssetLibrary.resolveRoot(assets), catalog, split);
    double loadSeconds = (System.nanoTime() - start) / 1e9;
    ClipGenerator generator = new ClipGenerator(library, seed);
    try {
      clean(out);
      Files.createDirectories(out.resolve(FRAMES));
      Files.createDirectories(out.resolve(AUDIO));
      Map<String, Object> marker = new LinkedHashMap<>();
      marker.put("generator", "avloc data synth");
      marker.put("split", split.label());
      marker.put("seed", seed);
      marker.put("clips", clips);
      marker.put("catalog", catalog.source());
      Files.writeString(out.resolve(MARKER), json(marker) + "\n", StandardCharsets.UTF_8);
      return write(generator, out, clips, split, seed, threads, progress, start, loadSeconds);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the benchmark to " + out + ": " + e, e);
    }
  }

  /**
   * Checks that {@code out} may be written: missing, empty, or an earlier output of this generator
   * with nothing else in it.
   *
   * @throws IllegalArgumentException saying why not
   */
  public static void checkOutput(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new IllegalArgumentException(out + " is a file, not a folder");
    }
    List<Path> entries = list(out);
    if (entries.isEmpty()) {
      return;
    }
    if (!Files.isRegularFile(out.resolve(MARKER))) {
      throw new IllegalArgumentException(
          out
              + " is not empty and is not the output of avloc data synth (no "
              + MARKER
              + "); choose a new or empty folder");
    }
    Set<String> ours = Set.of(FRAMES, AUDIO, ANNOTATIONS, MANIFEST, MARKER);
    for (Path p : entries) {
      String name = p.getFileName().toString();
      boolean ok = ours.contains(name);
      if (name.equals(FRAMES) || name.equals(AUDIO)) {
        String ext = name.equals(FRAMES) ? ".jpg" : ".wav";
        for (Path f : list(p)) {
          if (!Files.isRegularFile(f) || !f.getFileName().toString().endsWith(ext)) {
            throw new IllegalArgumentException(
                "will not replace the earlier benchmark in " + out + ": it also holds " + f);
          }
        }
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "will not replace the earlier benchmark in " + out + ": it also holds " + p);
      }
    }
  }

  private static void clean(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return;
    }
    for (String dir : List.of(FRAMES, AUDIO)) {
      Path d = out.resolve(dir);
      if (Files.isDirectory(d)) {
        for (Path f : list(d)) {
          Files.delete(f);
        }
      }
    }
    for (String f : List.of(ANNOTATIONS, MANIFEST, MARKER)) {
      Files.deleteIfExists(out.resolve(f));
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** What the writing thread needs of a clip once its files are on disk. */
  private record Written(Clip clip, String annotationJson, String manifestJson) {}

  private static SynthSummary write(
      ClipGenerator generator,
      Path out,
      int clips,
      Split split,
      long seed,
      int threads,
      LongConsumer progress,
      long start,
      double loadSeconds)
      throws IOException {
    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "synth-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    Map<String, Integer> byType = new LinkedHashMap<>();
    for (ClipType t : ClipType.values()) {
      byType.put(t.label(), 0);
    }
    Map<String, Integer> byClass = new TreeMap<>();
    int boxes = 0;
    ArrayDeque<Future<Written>> window = new ArrayDeque<>();
    int next = 0;
    try (BufferedWriter annotations =
            Files.newBufferedWriter(out.resolve(ANNOTATIONS), StandardCharsets.UTF_8);
        BufferedWriter manifest =
            Files.newBufferedWriter(out.resolve(MANIFEST), StandardCharsets.UTF_8)) {
      annotations.write("[\n");
      for (int i = 0; i < clips; i++) {
        while (next < clips && next - i < 4 * threads) {
          int index = next++;
          window.add(pool.submit(() -> makeAndWrite(generator, out, index)));
        }
        Written w = await(window.poll());
        annotations.write(w.annotationJson());
        annotations.write(i + 1 < clips ? ",\n" : "\n");
        manifest.write(w.manifestJson());
        manifest.write("\n");
        Clip c = w.clip();
        byType.merge(c.type().label(), 1, Integer::sum);
        if (c.heard().isEmpty()) {
          byClass.merge(ClipGenerator.NOISE_CLASS, 1, Integer::sum);
        }
        for (String h : c.heard()) {
          byClass.merge(h, 1, Integer::sum);
        }
        boxes += c.boxes().size();
        progress.accept(1);
      }
      annotations.write("]\n");
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new SynthSummary(out, split, seed, clips, byType, byClass, boxes, loadSeconds, seconds);
  }

  private static Written makeAndWrite(ClipGenerator generator, Path out, int index)
      throws IOException {
    Clip c = generator.make(index);
    Files.write(out.resolve(FRAMES).resolve(c.id() + ".jpg"), c.jpeg());
    Files.write(out.resolve(AUDIO).resolve(c.id() + ".wav"), c.wav());
    Map<String, Object> annotation = new LinkedHashMap<>();
    annotation.put("file", c.id());
    annotation.put("class", c.soundClass());
    annotation.put("bbox", c.boxes());
    Clip light = new Clip(c.id(), c.type(), c.soundClass(), c.heard(), c.boxes(), null, null, null);
    return new Written(light, json(annotation), json(c.manifest()));
  }

  private static Written await(Future<Written> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating the benchmark", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw new IllegalStateException(cause);
    }
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
