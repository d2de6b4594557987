package io.avloc.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import io.avloc.core.image.TrainingAugmenter.CropAndFlip;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainingAugmenterTest {

  private final TrainingAugmenter augmenter = new TrainingAugmenter();

  @Test
  void resizesTheShorterSideTo246LikePilKeepingTheAspect() {
    RgbImage pil = ImageDecoder.decode(ImageFixtures.bytes("resize/photo-train-328x246.png"));

    RgbImage resized = augmenter.resizeShorterSide(ImageFixtures.photo());

    assertThat(augmenter.shorterSide()).isEqualTo(246);
    assertThat(resized.pixels()).isEqualTo(pil.pixels());
    assertThat(resized.width()).isEqualTo(328);
  }

  @Test
  void truncatesTheLongerSideAsTorchvisionDoes() {
    RgbImage portrait = new RgbImage(300, 401, new byte[300 * 401 * 3]);

    RgbImage resized = augmenter.resizeShorterSide(portrait);

    // int(246 * 401 / 300) = int(328.82) = 328
    assertThat(resized).extracting(RgbImage::width, RgbImage::height).containsExactly(246, 328);
  }

  @Test
  void scalesTheShorterSideWithTheCropSize() {
    assertThat(new TrainingAugmenter(112).shorterSide()).isEqualTo(123);
    assertThat(new TrainingAugmenter(128).shorterSide()).isEqualTo(140);
  }

  @Test
  void cropsLieInsideTheImageAndReachEveryPosition() {
    SplittableRandom random = new SplittableRandom(7);
    Set<Integer> lefts = new HashSet<>();
    Set<Integer> tops = new HashSet<>();

    for (int i = 0; i < 2000; i++) {
      CropAndFlip crop = augmenter.sample(227, 225, random);
      lefts.add(crop.left());
      tops.add(crop.top());
    }

    assertThat(lefts).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(tops).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void cropOfAnImageExactlyTheCropSizeIsTheWholeImage() {
    CropAndFlip crop = augmenter.sample(224, 224, new SplittableRandom(1));

    assertThat(crop.left()).isZero();
    assertThat(crop.top()).isZero();
  }

  @Test
  void mirrorsAboutHalfOfTheCrops() {
    SplittableRandom random = new SplittableRandom(42);
    int mirrored = 0;
    int n = 10_000;

    for (int i = 0; i < n; i++) {
      if (augmenter.sample(328, 246, random).mirrored()) {
        mirrored++;
      }
    }

    // Binomial(10000, 0.5): standard deviation 50; the seed makes this deterministic.
    assertThat(mirrored).isBetween(4800, 5200);
  }

  @Test
  void aMirroredCropIsTheExactLeftRightMirrorOfTheSameCrop() {
    TrainingAugmenter small = new TrainingAugmenter(32);
    RgbImage resized = small.resizeShorterSide(ImageFixtures.photo());

    float[] plain = small.apply(resized, new CropAndFlip(5, 2, false));
    float[] mirrored = small.apply(resized, new CropAndFlip(5, 2, true));

    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          assertThat(mirrored[(c * 32 + y) * 32 + x])
              .isEqualTo(plain[(c * 32 + y) * 32 + (31 - x)]);
        }
      }
    }
    assertThat(mirrored).isNotEqualTo(plain);
  }

  @Test
  void aCropIsTheNormalizedWindowOfTheResizedImage() {
    RgbImage resized = augmenter.resizeShorterSide(ImageFixtures.photo());

    float[] out = augmenter.apply(resized, new CropAndFlip(100, 20, false));

    assertThat(out).isEqualTo(ImageNormalizer.IMAGENET.toChw(resized.crop(100, 20, 224, 224)));
  }

  @Test
  void theSameSeedGivesTheSameAugmentation() {
    RgbImage photo = ImageFixtures.photo();

    float[] a = augmenter.augment(photo, new SplittableRandom(2024));
    float[] b = augmenter.augment(photo, new SplittableRandom(2024));
    float[] other = augmenter.augment(photo, new SplittableRandom(2025));

    assertThat(a).hasSize(3 * 224 * 224).isEqualTo(b).isNotEqualTo(other);
    assertThat(augmenter.shape()).isEqualTo(new Shape(3, 224, 224));
  }

  @Test
  void refusesToCropAnImageSmallerThanTheCrop() {
    assertThatThrownBy(() -> augmenter.sample(223, 300, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("223x300");
  }
}
