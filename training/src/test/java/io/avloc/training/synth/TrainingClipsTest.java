package io.avloc.training.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.training.data.BatchLoader;
import io.avloc.training.data.ComposedClip;
import io.avloc.training.data.LoaderConfig;
import io.avloc.training.data.SampleCache;
import io.avloc.training.data.TrainingBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-the-fly training composer behind {@code avloc train --data-format generate}. */
class TrainingClipsTest {

  @TempDir static Path root;
  static Catalog catalog;

  @BeforeAll
  static void assets() throws Exception {
    catalog = Catalog.load(FakeAssets.create(root));
  }

  private static TrainingClips clips(long seed, int perEpoch) {
    return TrainingClips.open(catalog, root, seed, perEpoch);
  }

  private static String digest(byte[]... parts) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (byte[] p : parts) {
      md.update(p);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** What makes a composite: the media, crop, placement and sound of the clip (not its name). */
  private static Map<String, Object> composite(ClipGenerator.Clip clip) {
    Map<String, Object> m = new LinkedHashMap<>(clip.manifest());
    m.keySet().removeAll(List.of("file", "seed", "index", "clip_seed", "frame", "audio"));
    return m;
  }

  @Test
  void theSameSeedEpochAndIndexGiveTheSameClipWhateverTheOrderOrInstance() throws Exception {
    TrainingClips a = clips(7, 40);
    TrainingClips b = clips(7, 40);
    List<String> forward = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ClipGenerator.Clip c = a.make(3, i);
      forward.add(digest(c.jpeg(), c.wav()));
    }
    for (int i = 9; i >= 0; i--) {
      ClipGenerator.Clip c = b.make(3, i);
      assertThat(digest(c.jpeg(), c.wav())).as("clip %d", i).isEqualTo(forward.get(i));
    }
    ComposedClip x = a.compose(3, 4);
    ComposedClip y = b.compose(3, 4);
    assertThat(x.id()).isEqualTo("gen_e3_000004");
    assertThat(x.image().pixels()).isEqualTo(y.image().pixels());
    assertThat(x.audio().samples()).isEqualTo(y.audio().samples());
    assertThat(x.audio().sampleRate()).isEqualTo(16_000);
  }

  @Test
  void classTonesKeepThePictureAndSoundTheToneOfTheClassHeard() throws Exception {
    TrainingClips plain = clips(7, 40);
    TrainingClips tones = plain.withClassTones();
    ClassTones code = new ClassTones(catalogClasses(plain), 16_000);
    List<Double> candidates = new ArrayList<>();
    for (String c : catalogClasses(plain)) {
      candidates.add(code.frequency(c));
    }
    int checked = 0;
    for (int i = 0; i < 40; i++) {
      ClipGenerator.Clip c = plain.make(2, i);
      ComposedClip a = plain.compose(2, i);
      ComposedClip b = tones.compose(2, i);
      assertThat(b.image().pixels()).isEqualTo(a.image().pixels());
      assertThat(b.audio().samples()).hasSameSizeAs(a.audio().samples());
      if (c.heard().size() == 1 && candidates.contains(code.frequency(c.heard().get(0)))) {
        assertThat(ClassTonesTest.loudest(b.audio().samples(), candidates))
            .as("clip %d, %s", i, c.heard())
            .isEqualTo(code.frequency(c.heard().get(0)));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(5);
    assertThat(tones.describe()).contains("class-tones");
    assertThat(tones.compose(2, 3).audio().samples())
        .isEqualTo(tones.compose(2, 3).audio().samples());
  }

  private static List<String> catalogClasses(TrainingClips clips) {
    return clips.classes();
  }

  @Test
  void noCompositeRepeatsWithinAnEpochAndEveryEpochIsNew() throws Exception {
    int n = 120;
    TrainingClips gen = clips(1, n);
    Set<String> bytes = new HashSet<>();
    Set<Map<String, Object>> composites = new HashSet<>();
    for (int i = 0; i < n; i++) {
      ClipGenerator.Clip c = gen.make(0, i);
      assertThat(bytes.add(digest(c.jpeg(), c.wav()))).as("bytes of clip %d", i).isTrue();
      assertThat(composites.add(composite(c))).as("composite of clip %d", i).isTrue();
    }
    // The next epoch composes new clips at the same indices.
    for (int i = 0; i < n; i++) {
      ClipGenerator.Clip c = gen.make(1, i);
      assertThat(bytes.add(digest(c.jpeg(), c.wav()))).as("epoch 1 clip %d", i).isTrue();
    }
    // Another seed, another corpus.
    assertThat(digest(clips(2, n).make(0, 0).jpeg())).isNotIn(bytes);
  }

  @Test
  void theBatchLoaderGivesTheSameComposedBatchesWhateverTheNumberOfWorkers() throws Exception {
    TrainingClips gen = clips(5, 12);
    List<String> one = batches(gen, 1);
    List<String> two = batches(gen, 2);
    assertThat(one).hasSize(3).isEqualTo(two);
    // ids name the epoch and index of each composite, in the shuffled epoch order
    try (BatchLoader loader =
        new BatchLoader(
            gen, LoaderConfig.training(4, 32, true, 9, 2), 2, new SampleCache(32, true))) {
      TrainingBatch b = loader.next();
      assertThat(b.ids()).allMatch(id -> id.matches("gen_e2_0000(0\\d|1[01])"));
    }
  }

  private static List<String> batches(TrainingClips gen, int workers) throws Exception {
    List<String> out = new ArrayList<>();
    LoaderConfig config = LoaderConfig.training(4, 32, true, 9, workers);
    try (BatchLoader loader = new BatchLoader(gen, config, 1, new SampleCache(32, true))) {
      while (loader.hasNext()) {
        TrainingBatch b = loader.next();
        ByteBuffer buf = ByteBuffer.allocate(4 * (b.images().length + b.spectrograms().length));
        for (float f : b.images()) {
          buf.putFloat(f);
        }
        for (float f : b.spectrograms()) {
          buf.putFloat(f);
        }
        out.add(b.ids() + " " + digest(buf.array()));
      }
    }
    return out;
  }

  @Test
  void anIndexOutsideTheEpochAndABadSizeAreRefused() {
    TrainingClips gen = clips(1, 4);
    assertThatThrownBy(() -> gen.make(0, 4))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("clip 4 of an epoch of 4 clips");
    assertThatThrownBy(() -> clips(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThat(gen.describe()).contains("4 clips per epoch").contains("seed 1");
  }
}
