package io.avloc.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.image.ImageFixtures.Difference;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decoding and resizing agree with Pillow on the reference cases in {@code pil-cases.json}. */
class PilAgreementTest {
  private static final Logger log = LoggerFactory.getLogger(PilAgreementTest.class);

  static Stream<Named<JsonNode>> resizeCases() {
    return cases("resize", "name");
  }

  static Stream<Named<JsonNode>> decodeCases() {
    return cases("decode", "file");
  }

  private static Stream<Named<JsonNode>> cases(String list, String nameField) {
    return StreamSupport.stream(ImageFixtures.CASES.get(list).spliterator(), false)
        .map(c -> Named.of(c.get(nameField).asText(), c));
  }

  @Test
  void decodesTheTestPhotoToExactlyPilsPixels() throws NoSuchAlgorithmException {
    RgbImage photo = ImageFixtures.photo();

    String sha =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(photo.pixels()));

    assertThat(photo.width()).isEqualTo(ImageFixtures.CASES.get("photoWidth").asInt());
    assertThat(photo.height()).isEqualTo(ImageFixtures.CASES.get("photoHeight").asInt());
    assertThat(sha).isEqualTo(ImageFixtures.CASES.get("photoRgbSha256").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("decodeCases")
  void decodesEveryColourTypeAsPilConvertRgb(JsonNode c) {
    RgbImage expected =
        new RgbImage(
            c.get("width").asInt(),
            c.get("height").asInt(),
            ImageFixtures.bytes(c.get("expected").asText()));

    RgbImage decoded = ImageDecoder.decode(ImageFixtures.bytes(c.get("file").asText()));

    assertThat(Difference.between(decoded, expected).differing())
        .as("%s (PIL mode %s)", c.get("file").asText(), c.get("pilMode").asText())
        .isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resizeCases")
  void resizesBitExactlyLikePilBicubic(JsonNode c) {
    RgbImage input = input(c);
    RgbImage expected = ImageDecoder.decode(ImageFixtures.bytes(c.get("expected").asText()));

    RgbImage resized =
        BicubicResizer.resize(input, c.get("width").asInt(), c.get("height").asInt());

    Difference diff = Difference.between(resized, expected);
    log.info(
        "{}: {}x{} -> {}x{}: {}",
        c.get("name").asText(),
        input.width(),
        input.height(),
        resized.width(),
        resized.height(),
        diff);
    assertThat(diff.maxAbs()).as(c.get("name").asText() + ": " + diff).isZero();
  }

  private static RgbImage input(JsonNode c) {
    String source = c.get("input").asText();
    RgbImage image =
        source.endsWith(".rgb")
            ? new RgbImage(
                c.get("inputWidth").asInt(),
                c.get("inputHeight").asInt(),
                ImageFixtures.bytes(source))
            : ImageDecoder.decode(ImageFixtures.bytes(source));
    JsonNode crop = c.get("crop");
    if (crop != null) {
      image =
          image.crop(
              crop.get(0).asInt(), crop.get(1).asInt(), crop.get(2).asInt(), crop.get(3).asInt());
    }
    return image;
  }
}
