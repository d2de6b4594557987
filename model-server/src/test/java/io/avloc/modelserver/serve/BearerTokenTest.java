package io.avloc.modelserver.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenTest {

  @TempDir Path tmp;

  @Test
  void theTokenFileWinsOverTheEnvironmentAndItsLineEndIsIgnored() throws Exception {
    Path file = tmp.resolve("token");
    Files.writeString(file, "from-file\n");

    BearerToken t = BearerToken.resolve(file, Map.of(BearerToken.ENV, "from-env"));

    assertThat(t.matches("Bearer from-file")).isTrue();
    assertThat(t.matches("Bearer from-env")).isFalse();
  }

  @Test
  void withoutFileTheEnvironmentVariableIsUsedAndWithNeitherThereIsNoToken() {
    assertThat(BearerToken.resolve(null, Map.of(BearerToken.ENV, "abc")).matches("Bearer abc"))
        .isTrue();
    assertThat(BearerToken.resolve(null, Map.of())).isNull();
    assertThat(BearerToken.resolve(null, Map.of(BearerToken.ENV, " "))).isNull();
  }

  @Test
  void anEmptyOrMissingTokenFileIsRefusedByName() throws Exception {
    Path empty = Files.writeString(tmp.resolve("empty"), "\n");
    assertThatThrownBy(() -> BearerToken.resolve(empty, Map.of()))
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("empty");
    Path missing = tmp.resolve("missing");
    assertThatThrownBy(() -> BearerToken.resolve(missing, Map.of()))
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void theTokenNeverAppearsWhenPrinted() {
    BearerToken t = BearerToken.of("hunter2");
    assertThat(t.toString()).doesNotContain("hunter2");
    assertThat(io.avloc.modelserver.serve.ServeConfig.builder().localizeToken(t).build().toString())
        .doesNotContain("hunter2")
        .contains("localizeToken=set");
  }

  @Test
  void clientSecretsInTheKafkaSettingsNeverAppearWhenTheConfigIsPrinted() {
    ServeConfig c =
        ServeConfig.builder().kafka(Map.of("sasl.jaas.config", "password=\"hunter2\"")).build();
    assertThat(c.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
  }
}
