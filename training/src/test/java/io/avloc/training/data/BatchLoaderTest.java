package io.avloc.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.image.ImageDecoder;
import io.avloc.core.image.ImagePreprocessor;
import io.avloc.core.image.TrainingAugmenter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {

  private static final int S = 32;
  private static final int F = 257;
  private static final int T = 200;

  @TempDir static Path shared;
  private static List<Sample> clips;

  @TempDir Path root;

  @BeforeAll
  static void writeClips() throws Exception {
    for (int i = 0; i < 10; i++) {
      TestClips.clip(shared, "clip" + i, i % 2 == 0 ? "jpg" : "png", i);
    }
    // Other rates and channel counts go through core's resampling and downmix.
    TestClips.wav(shared.resolve("audio/clip3.wav"), 44_100, 2, 2.0, 500, 3);
    TestClips.wav(shared.resolve("audio/clip4.wav"), 22_050, 1, 4.0, 700, 4);
    TestClips.image(shared.resolve("frames/clip5.png"), 40, 70, 5); // portrait
    clips = FolderDataset.read(shared).samples();
  }

  private static List<TrainingBatch> all(LoaderConfig config, int epoch, SampleCache cache) {
    List<TrainingBatch> out = new ArrayList<>();
    try (BatchLoader loader = new BatchLoader(clips, config, epoch, cache)) {
      while (loader.hasNext()) {
        out.add(loader.next());
      }
    }
    return out;
  }

  private static LoaderConfig training(long seed, int workers) {
    return new LoaderConfig(4, S, true, true, true, true, seed, workers, 2);
  }

  private static List<String> ids(List<TrainingBatch> batches) {
    return batches.stream().flatMap(b -> b.ids().stream()).toList();
  }

  private static Sample clip(String id) {
    return clips.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void makesBatchesOfTheContractShapesInOrder() {
    LoaderConfig config = LoaderConfig.evaluation(4, S, 2);
    List<TrainingBatch> batches;
    try (BatchLoader loader = new BatchLoader(clips, config, 0, new SampleCache(S, false))) {
      assertThat(loader.batches()).isEqualTo(3);
      batches = new ArrayList<>();
      while (loader.hasNext()) {
        batches.add(loader.next());
      }
      assertThatThrownBy(loader::next).isInstanceOf(NoSuchElementException.class);
    }

    assertThat(batches).extracting(TrainingBatch::size).containsExactly(4, 4, 2);
    assertThat(ids(batches)).containsExactly(clips.stream().map(Sample::id).toArray(String[]::new));
    TrainingBatch last = batches.get(2);
    assertThat(last.images()).hasSize(2 * 3 * S * S);
    assertThat(last.spectrograms()).hasSize(2 * F * T);
    assertThat(last.imageSize()).isEqualTo(S);
    assertThat(last.frequencyBins()).isEqualTo(F);
    assertThat(last.frames()).isEqualTo(T);
  }

  @Test
  void evaluationBatchesHoldExactlyCorePreprocessing() throws Exception {
    ImagePreprocessor images = new ImagePreprocessor(S);
    AudioPreprocessor audio = new AudioPreprocessor();

    List<TrainingBatch> batches =
        all(LoaderConfig.evaluation(3, S, 2), 0, new SampleCache(S, false));

    for (TrainingBatch batch : batches) {
      for (int i = 0; i < batch.size(); i++) {
        Sample sample = clip(batch.ids().get(i));
        float[] image = images.preprocess(ImageDecoder.decode(sample.image()));
        float[] spectrogram = audio.offline(sample.audio()).data();
        assertThat(slice(batch.images(), i, 3 * S * S)).isEqualTo(image);
        assertThat(slice(batch.spectrograms(), i, F * T)).isEqualTo(spectrogram);
      }
    }
  }

  @Test
  void trainingBatchesAreCoreAugmentationDrawnFromEachClipsGenerator() throws Exception {
    LoaderConfig config = training(99, 2);
    TrainingAugmenter augmenter = new TrainingAugmenter(S);
    AudioPreprocessor audio = new AudioPreprocessor();
    int masked = 0;

    List<TrainingBatch> batches = all(config, 5, new SampleCache(S, true));

    for (int b = 0; b < batches.size(); b++) {
      TrainingBatch batch = batches.get(b);
      for (int i = 0; i < batch.size(); i++) {
        Sample sample = clip(batch.ids().get(i));
        SplittableRandom random = BatchLoader.sampleRandom(99, 5, b * 4 + i);
        float[] image = augmenter.augment(ImageDecoder.decode(sample.image()), random);
        float[] spectrogram = audio.offline(sample.audio()).data().clone();
        SpectrogramMasks.apply(spectrogram, 0, F, T, random);
        assertThat(slice(batch.images(), i, 3 * S * S)).isEqualTo(image);
        assertThat(slice(batch.spectrograms(), i, F * T)).isEqualTo(spectrogram);
        for (float v : spectrogram) {
          masked += v == 0f ? 1 : 0;
        }
      }
    }
    assertThat(masked).isPositive();
  }

  @Test
  void theSameSeedAndEpochGiveTheSameBatchesWhateverTheNumberOfWorkers() {
    List<TrainingBatch> inline = all(training(7, 0), 3, new SampleCache(S, true));
    List<TrainingBatch> one = all(training(7, 1), 3, new SampleCache(S, true));
    List<TrainingBatch> three = all(training(7, 3), 3, new SampleCache(S, true, 0));

    for (List<TrainingBatch> other : List.of(one, three)) {
      assertThat(other).hasSameSizeAs(inline);
      for (int b = 0; b < inline.size(); b++) {
        assertThat(other.get(b).ids()).isEqualTo(inline.get(b).ids());
        assertThat(other.get(b).images()).isEqualTo(inline.get(b).images());
        assertThat(other.get(b).spectrograms()).isEqualTo(inline.get(b).spectrograms());
      }
    }
  }

  @Test
  void everyEpochHasItsOwnOrder() {
    LoaderConfig config = new LoaderConfig(4, S, true, false, true, false, 11, 2, 2);
    SampleCache cache = new SampleCache(S, true);

    List<String> epoch0 = ids(all(config, 0, cache));
    List<String> epoch1 = ids(all(config, 1, cache));
    List<String> epoch0again = ids(all(config, 0, cache));
    List<String> otherSeed =
        ids(all(new LoaderConfig(4, S, true, false, true, false, 12, 2, 2), 0, cache));

    assertThat(epoch0).containsExactlyInAnyOrderElementsOf(epoch1).doesNotHaveDuplicates();
    assertThat(epoch0).hasSize(10).isNotEqualTo(epoch1).isNotEqualTo(otherSeed);
    assertThat(epoch0again).isEqualTo(epoch0);
  }

  @Test
  void dropLastLeavesOutTheIncompleteBatch() {
    List<TrainingBatch> batches = all(training(1, 2), 0, new SampleCache(S, true));

    assertThat(batches).extracting(TrainingBatch::size).containsExactly(4, 4);
    assertThat(ids(batches)).doesNotHaveDuplicates();
  }

  @Test
  void laterEpochsComeFromTheCache() {
    LoaderConfig config = new LoaderConfig(4, S, true, true, true, false, 1, 2, 2);
    SampleCache cache = new SampleCache(S, true);

    List<TrainingBatch> first = all(config, 0, cache);
    assertThat(cache.misses()).isEqualTo(10);
    assertThat(cache.hits()).isZero();
    all(config, 1, cache);
    List<TrainingBatch> again = all(config, 0, cache);

    assertThat(cache.misses()).isEqualTo(10);
    assertThat(cache.hits()).isEqualTo(20);
    assertThat(cache.size()).isEqualTo(10);
    for (int b = 0; b < first.size(); b++) {
      assertThat(again.get(b).images()).isEqualTo(first.get(b).images());
      assertThat(again.get(b).spectrograms()).isEqualTo(first.get(b).spectrograms());
    }
    // 64x48 frames: shorter side int(1.1·32) = 35, longer int(35·64/48) = 46; 40x70: 35x61.
    assertThat(cache.clipBytes(64, 48)).isEqualTo(46 * 35 * 3 + 257 * 200 * 4 + 200);
    assertThat(cache.clipBytes(40, 70)).isEqualTo(35 * 61 * 3 + 257 * 200 * 4 + 200);
    assertThat(cache.bytes()).isEqualTo(9 * cache.clipBytes(64, 48) + cache.clipBytes(40, 70));
  }

  @Test
  void aFullCacheTakesNoMoreClips() {
    SampleCache cache = new SampleCache(S, false, 3 * new SampleCache(S, false).clipBytes(1, 1));

    all(LoaderConfig.evaluation(5, S, 2), 0, cache);
    all(LoaderConfig.evaluation(5, S, 2), 1, cache);

    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.hits()).isEqualTo(3);
    assertThat(cache.misses()).isEqualTo(17);
    assertThat(cache.bytes()).isLessThanOrEqualTo(cache.maxBytes());
  }

  @Test
  void aCorruptFrameFailsItsBatchNamingTheFile() throws Exception {
    for (int i = 0; i < 6; i++) {
      TestClips.clip(root, "c" + i, "jpg", i);
    }
    Path broken = root.resolve("frames/c3.jpg");
    byte[] jpeg = Files.readAllBytes(broken);
    Files.write(broken, Arrays.copyOf(jpeg, jpeg.length / 3));
    List<Sample> samples = FolderDataset.read(root).samples();

    for (int workers : new int[] {0, 2}) {
      try (BatchLoader loader =
          new BatchLoader(
              samples, LoaderConfig.evaluation(2, S, workers), 0, new SampleCache(S, false))) {
        assertThat(loader.next().ids()).containsExactly("c0", "c1");
        assertThatThrownBy(loader::next)
            .isInstanceOf(DatasetException.class)
            .hasMessageContaining("cannot load clip c3")
            .hasMessageContaining(broken.toString());
        assertThat(loader.hasNext()).isFalse();
        assertThatThrownBy(loader::next)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("failed");
        assertThat(loader.liveWorkers()).isZero();
      }
    }
  }

  @Test
  void anUnsupportedSampleRateNamesTheFile() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    TestClips.clip(root, "b", "jpg", 2);
    Path slow = TestClips.wav(root.resolve("audio/b.wav"), 4_000, 1, 1.0, 200, 2);
    List<Sample> samples = FolderDataset.read(root).samples();

    try (BatchLoader loader =
        new BatchLoader(samples, LoaderConfig.evaluation(2, S, 2), 0, new SampleCache(S, false))) {
      assertThatThrownBy(loader::next)
          .isInstanceOf(DatasetException.class)
          .hasMessageContaining("cannot load clip b")
          .hasMessageContaining(slow.toString())
          .hasMessageContaining("4000 Hz");
    }
  }

  @Test
  void closeStopsTheWorkersInTheMiddleOfAnEpoch() {
    LoaderConfig config = new LoaderConfig(1, S, true, true, true, false, 3, 2, 1);
    BatchLoader loader = new BatchLoader(clips, config, 0, new SampleCache(S, true, 0));
    loader.next();

    loader.close();

    assertThat(loader.liveWorkers()).isZero();
    assertThat(loader.hasNext()).isFalse();
    assertThatThrownBy(loader::next)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    loader.close(); // idempotent
  }

  @Test
  void closeFromAnotherThreadReleasesAWaitingConsumer() throws Exception {
    TestClips.clip(root, "a", "jpg", 1);
    TestClips.clip(root, "b", "jpg", 2);
    List<Sample> samples = new ArrayList<>(FolderDataset.read(root).samples());
    // A frame behind a pipe that nobody writes to: its worker blocks until the test ends.
    Path fifo = root.resolve("frames/stuck.jpg");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    samples.add(0, Sample.unannotated("stuck", fifo, samples.get(0).audio()));
    BatchLoader loader =
        new BatchLoader(samples, LoaderConfig.evaluation(1, S, 1), 0, new SampleCache(S, false));
    Thread closer =
        new Thread(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              loader.close();
            });
    try {
      closer.start();
      assertThatThrownBy(loader::next)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    } finally {
      // Unblock the worker reading the pipe ("rw" opens a FIFO without waiting for a reader).
      try (RandomAccessFile out = new RandomAccessFile(fifo.toFile(), "rw")) {
        out.write(1);
      }
      closer.join();
    }
  }

  @Test
  void measuresHowLongTheConsumerWaited() {
    try (BatchLoader loader =
        new BatchLoader(clips, LoaderConfig.evaluation(5, S, 1), 0, new SampleCache(S, false))) {
      assertThat(loader.waitNanos()).isZero();
      loader.next();
      assertThat(loader.waitNanos()).isPositive();
    }
  }

  @Test
  void rejectsACacheOfAnotherImageSizeOrMode() {
    assertThatThrownBy(() -> new BatchLoader(clips, training(1, 0), 0, new SampleCache(S, false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the sample cache holds evaluation images of size 32")
        .hasMessageContaining("training images of size 32");
    assertThatThrownBy(() -> new BatchLoader(clips, training(1, 0), 0, new SampleCache(64, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one cache per image size and mode");
  }

  @Test
  void rejectsAnEpochWithoutACompleteBatch() {
    LoaderConfig config = LoaderConfig.training(16, S, false, 1, 0);

    assertThatThrownBy(() -> new BatchLoader(clips, config, 0, new SampleCache(S, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "10 clips do not fill one batch of 16 and the last incomplete batch is dropped;"
                + " use a batch size of at most 10");
    assertThatThrownBy(() -> new BatchLoader(List.of(), config, 0, new SampleCache(S, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no clips to load");
  }

  @Test
  void ordersArePermutationsOrTheIdentity() {
    assertThat(BatchLoader.order(5, 1, 0, false)).containsExactly(0, 1, 2, 3, 4);
    int[] shuffled = BatchLoader.order(1000, 1, 0, true);
    assertThat(shuffled).containsExactlyInAnyOrder(BatchLoader.order(1000, 1, 0, false));
    assertThat(shuffled).isNotEqualTo(BatchLoader.order(1000, 1, 0, false));
  }

  private static float[] slice(float[] all, int index, int length) {
    return Arrays.copyOfRange(all, index * length, (index + 1) * length);
  }
}
