package io.avloc.core.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The PIL reference fixtures under {@code src/test/resources/image/}, written by {@code
 * src/test/python/make_image_fixtures.py}; {@code pil-cases.json} lists them.
 */
final class ImageFixtures {
  private ImageFixtures() {}

  static final JsonNode CASES = json("pil-cases.json");

  static byte[] bytes(String name) {
    try (InputStream in = ImageFixtures.class.getResourceAsStream("/image/" + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing test resource image/" + name + "; run make_image_fixtures.py");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The test photo (480x360 JPEG, 4:2:0), decoded. */
  static RgbImage photo() {
    return ImageDecoder.decode(bytes(CASES.get("photo").asText()));
  }

  static byte[] photoJpeg() {
    return bytes(CASES.get("photo").asText());
  }

  private static JsonNode json(String name) {
    try {
      return new ObjectMapper().readTree(bytes(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Largest absolute difference and count of differing values between two equal-size images. */
  record Difference(int maxAbs, long differing, long total) {
    static Difference between(RgbImage a, RgbImage b) {
      if (a.width() != b.width() || a.height() != b.height()) {
        throw new IllegalArgumentException(a + " vs " + b);
      }
      byte[] x = a.pixels();
      byte[] y = b.pixels();
      int max = 0;
      long n = 0;
      for (int i = 0; i < x.length; i++) {
        int d = Math.abs((x[i] & 0xff) - (y[i] & 0xff));
        if (d != 0) {
          n++;
          max = Math.max(max, d);
        }
      }
      return new Difference(max, n, x.length);
    }

    double fraction() {
      return (double) differing / total;
    }

    @Override
    public String toString() {
      return String.format(
          "max abs difference %d, %d of %d values differ (%.4f%%)",
          maxAbs, differing, total, 100.0 * fraction());
    }
  }
}
