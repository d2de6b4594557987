package io.avloc.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VggssAnnotationsTest {

  @Test
  void readsFilesClassesAndBoxes() throws URISyntaxException {
    Path file = Path.of(getClass().getResource("/metrics/vggss-sample.json").toURI());
    List<VggssAnnotation> all = VggssAnnotations.read(file);
    assertThat(all)
        .extracting(VggssAnnotation::file)
        .containsExactly("aB3dE5fG7hI_30", "Zy9Xw8Vu7Ts_10", "Qq1Rr2Ss3Tt_150", "Mm4Nn5Oo6Pp_0");
    assertThat(all.get(0).soundClass()).isEqualTo("playing violin, fiddle");
    assertThat(all.get(0).boxes()).containsExactly(new NormalizedBox(0.1, 0.2, 0.3, 0.4));
    assertThat(all.get(1).boxes())
        .containsExactly(new NormalizedBox(-0.05, 0.5, 1.2, 1.0), new NormalizedBox(0, 0, 1, 1));
  }

  @Test
  void anEmptyBoxListMeansNoOnScreenSourceAndAnEmptyGroundTruth() throws URISyntaxException {
    Path file = Path.of(getClass().getResource("/metrics/vggss-sample.json").toURI());
    VggssAnnotation offScreen =
        VggssAnnotations.byFile(VggssAnnotations.read(file)).get("Qq1Rr2Ss3Tt_150");
    assertThat(offScreen.hasOnScreenSource()).isFalse();
    assertThat(offScreen.groundTruth()).hasSize(224 * 224).containsOnly(0.0);
  }

  @Test
  void aBoxWithoutFourNumbersIsAnErrorNamingTheSourceAndEntry() {
    String json =
        "[{\"file\": \"ok_1\", \"bbox\": []}, {\"file\": \"bad_2\", \"bbox\": [[0.1, 0.2, 0.3]]}]";
    assertThatThrownBy(() -> VggssAnnotations.read(stream(json), "vggss.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vggss.json")
        .hasMessageContaining("entry 1")
        .hasMessageContaining("bad_2")
        .hasMessageContaining("4 numbers");
  }

  @Test
  void malformedJsonIsAnErrorNamingTheSource() {
    assertThatThrownBy(() -> VggssAnnotations.read(stream("[{\"file\": "), "vggss.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("vggss.json: not valid JSON");
    assertThatThrownBy(() -> VggssAnnotations.read(stream("{}"), "vggss.json"))
        .hasMessageContaining("expected a JSON list");
  }

  @Test
  void duplicateClipIdsAreRejectedWhenIndexing() {
    VggssAnnotation a = new VggssAnnotation("x_1", "", List.of());
    assertThatThrownBy(() -> VggssAnnotations.byFile(List.of(a, a)))
        .hasMessageContaining("duplicate")
        .hasMessageContaining("x_1");
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
