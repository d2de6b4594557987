package io.avloc.training.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrainingMethodTest {

  @Test
  void idsAreTheLowerCaseNames() {
    assertThat(TrainingMethod.EZVSL.id()).isEqualTo("ezvsl");
    assertThat(TrainingMethod.MARGINNCE.id()).isEqualTo("marginnce");
    assertThat(TrainingMethod.FNAC.id()).isEqualTo("fnac");
  }

  @Test
  void parseIgnoresCase() {
    assertThat(TrainingMethod.parse("ezvsl")).isEqualTo(TrainingMethod.EZVSL);
    assertThat(TrainingMethod.parse("MarginNCE")).isEqualTo(TrainingMethod.MARGINNCE);
    assertThat(TrainingMethod.parse("FNAC")).isEqualTo(TrainingMethod.FNAC);
    for (TrainingMethod m : TrainingMethod.values()) {
      assertThat(TrainingMethod.parse(m.id())).isEqualTo(m);
    }
  }

  @Test
  void anUnknownMethodIsRejectedWithTheValidIds() {
    assertThatThrownBy(() -> TrainingMethod.parse("simclr"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'simclr'")
        .hasMessageContaining("ezvsl, marginnce, fnac");
    assertThatThrownBy(() -> TrainingMethod.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ezvsl, marginnce, fnac");
    assertThatThrownBy(() -> TrainingMethod.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ezvsl, marginnce, fnac");
  }

  @Test
  void onlyFnacRegularisesItsInputs() {
    assertThat(TrainingMethod.FNAC.visualDropout()).isTrue();
    assertThat(TrainingMethod.FNAC.spectrogramMasks()).isTrue();
    for (TrainingMethod m : new TrainingMethod[] {TrainingMethod.EZVSL, TrainingMethod.MARGINNCE}) {
      assertThat(m.visualDropout()).as(m.id()).isFalse();
      assertThat(m.spectrogramMasks()).as(m.id()).isFalse();
    }
  }
}
