package io.avloc.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RgbImageTest {

  @Test
  void storesPixelsInterleavedRowByRow() {
    byte[] px = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, (byte) 250};
    RgbImage image = new RgbImage(3, 2, px);

    assertThat(image.sample(1, 0, 2)).isEqualTo(6);
    assertThat(image.sample(0, 1, 0)).isEqualTo(10);
    assertThat(image.sample(2, 1, 2)).isEqualTo(250);
  }

  @Test
  void cropCopiesTheRectangle() {
    byte[] px = new byte[4 * 3 * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) i;
    }
    RgbImage image = new RgbImage(4, 3, px);

    RgbImage crop = image.crop(1, 1, 2, 2);

    assertThat(crop.pixels()).containsExactly(15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32);
  }

  @Test
  void rejectsAPixelArrayOfTheWrongLength() {
    assertThatThrownBy(() -> new RgbImage(2, 2, new byte[11]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 12 bytes, got 11");
    assertThatThrownBy(() -> new RgbImage(0, 2, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
