package io.avloc.modelserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionOrderTest {

  private static List<String> sorted(String... names) {
    List<String> l = new ArrayList<>(List.of(names));
    l.sort(VersionOrder.INSTANCE);
    return l;
  }

  @Test
  void numbersCompareAsNumbers() {
    assertThat(sorted("10", "9", "1", "100")).containsExactly("1", "9", "10", "100");
    assertThat(sorted("1.10", "1.9", "1.2.3", "2.0"))
        .containsExactly("1.2.3", "1.9", "1.10", "2.0");
    assertThat(sorted("v10", "v2", "v2a")).containsExactly("v2", "v2a", "v10");
  }

  @Test
  void datesAndLeadingZerosOrderNaturally() {
    assertThat(sorted("2024-11-30", "2024-05-01", "2023-12-31"))
        .containsExactly("2023-12-31", "2024-05-01", "2024-11-30");
    assertThat(sorted("010", "9")).containsExactly("9", "010");
    assertThat(VersionOrder.INSTANCE.compare("01", "1")).isNotZero();
  }
}
