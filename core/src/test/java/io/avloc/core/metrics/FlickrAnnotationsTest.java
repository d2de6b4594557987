package io.avloc.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlickrAnnotationsTest {
  @TempDir Path dir;

  private static Path annotations() throws URISyntaxException {
    return Path.of(FlickrAnnotationsTest.class.getResource("/metrics/flickr/Annotations").toURI());
  }

  @Test
  void readsEveryAnnotatorsBoxSkippingTheFirstChild() throws URISyntaxException {
    List<PixelBox> boxes = FlickrAnnotations.read(annotations().resolve("2795765931.xml"));
    assertThat(boxes)
        .containsExactly(
            new PixelBox(40, 64, 168, 200),
            new PixelBox(48, 56, 176, 208),
            new PixelBox(100, 120, 240, 250));
  }

  @Test
  void threeAnnotatorsGiveTheConsensusMap() throws URISyntaxException {
    double[] gt =
        GroundTruth.flickr(FlickrAnnotations.read(annotations().resolve("2795765931.xml")));
    // In 224 coordinates: box 1 cols 35..146 rows 56..174; box 2 cols 42..153 rows 49..181;
    // box 3 cols 87..209 rows 105..217.
    assertThat(gt[50 * 224 + 45]).as("box 2 only").isEqualTo(0.5);
    assertThat(gt[60 * 224 + 40]).as("box 1 only").isEqualTo(0.5);
    assertThat(gt[100 * 224 + 100]).as("boxes 1 and 2").isEqualTo(1.0);
    assertThat(gt[150 * 224 + 120]).as("all three").isEqualTo(1.0);
    assertThat(gt[200 * 224 + 200]).as("box 3 only").isEqualTo(0.5);
    assertThat(gt[10 * 224 + 10]).as("none").isZero();
  }

  @Test
  void readsADirectoryKeyedByImageId() throws URISyntaxException {
    Map<String, List<PixelBox>> all = FlickrAnnotations.readDirectory(annotations());
    assertThat(all).containsOnlyKeys("2795765931", "3104586577");
    double[] twoAgree = GroundTruth.flickr(all.get("3104586577"));
    assertThat(twoAgree[111 * 224 + 223]).isEqualTo(1.0);
    assertThat(twoAgree[112 * 224]).isZero();
  }

  @Test
  void malformedXmlIsAnErrorNamingTheFile() throws IOException {
    Path file = write("broken.xml", "<annotation><object><bbox>");
    assertThatThrownBy(() -> FlickrAnnotations.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a well-formed annotation");
  }

  @Test
  void aBoxWithTooFewFieldsIsAnError() throws IOException {
    Path file =
        write(
            "short.xml",
            "<annotation><object><bbox><a>1</a><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax>"
                + "</bbox></object></annotation>");
    assertThatThrownBy(() -> FlickrAnnotations.read(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("bbox 1")
        .hasMessageContaining("expected 5 child elements");
  }

  @Test
  void aCoordinateThatIsNotANonNegativeIntegerIsAnError() throws IOException {
    Path decimal = write("decimal.xml", bbox("10.5"));
    assertThatThrownBy(() -> FlickrAnnotations.read(decimal))
        .hasMessageContaining(decimal.toString())
        .hasMessageContaining("<xmin> is not an integer: '10.5'");
    Path negative = write("negative.xml", bbox("-3"));
    assertThatThrownBy(() -> FlickrAnnotations.read(negative)).hasMessageContaining(">= 0");
  }

  @Test
  void aFileWithoutBoxesIsAnError() throws IOException {
    Path file = write("empty.xml", "<annotation><filename>x.jpg</filename></annotation>");
    assertThatThrownBy(() -> FlickrAnnotations.read(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("no <bbox>");
  }

  @Test
  void doctypesAreRefused() throws IOException {
    Path file =
        write(
            "dtd.xml",
            "<!DOCTYPE annotation [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<annotation>&x;</annotation>");
    assertThatThrownBy(() -> FlickrAnnotations.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString());
  }

  private static String bbox(String xmin) {
    return "<annotation><object><bbox><annotator>1</annotator><xmin>"
        + xmin
        + "</xmin><ymin>2</ymin><xmax>30</xmax><ymax>40</ymax></bbox></object></annotation>";
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
