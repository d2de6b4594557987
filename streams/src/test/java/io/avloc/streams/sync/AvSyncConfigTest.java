package io.avloc.streams.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.avloc.streams.StreamsSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvSyncConfigTest {

  @Test
  void defaultsAreThoseOfTheDesign() {
    AvSyncConfig c = AvSyncConfig.defaults();
    assertThat(c.windowUs()).isEqualTo(3_000_000L);
    assertThat(c.lookaheadUs()).isEqualTo(500_000L);
    assertThat(c.graceUs()).isEqualTo(1_000_000L);
    assertThat(c.minFrameIntervalUs()).isEqualTo(200_000L);
    assertThat(c.mode()).isEqualTo(SyncMode.REALTIME);
    assertThat(c.staleBudgetUs()).isEqualTo(150_000L);
    // The app's avloc.batch.max default and the batcher's: one default batch size everywhere.
    assertThat(c.maxBatch())
        .isEqualTo(8)
        .isEqualTo(StreamsSettings.of(Map.of()).getInt(StreamsSettings.BATCH_MAX_CONFIG));
    assertThat(c.maxDelay()).isEqualTo(Duration.ofMillis(25));
    assertThat(c.cameraIdleTimeoutUs()).isEqualTo(60_000_000L);
    assertThat(c.audioRetentionUs()).isEqualTo(4_500_000L);
    assertThat(c.expiryCheckInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void withersChangeOneSetting() {
    AvSyncConfig c =
        AvSyncConfig.defaults()
            .withWindow(Duration.ofSeconds(2))
            .withLookahead(Duration.ofMillis(-100))
            .withGrace(Duration.ZERO)
            .withMaxRateHz(Double.POSITIVE_INFINITY)
            .withCameraIdleTimeout(Duration.ofMillis(300));
    assertThat(c.windowUs()).isEqualTo(2_000_000L);
    assertThat(c.lookaheadUs()).isEqualTo(-100_000L);
    assertThat(c.graceUs()).isZero();
    assertThat(c.minFrameIntervalUs()).isZero();
    assertThat(c.expiryCheckInterval()).isEqualTo(Duration.ofMillis(300));
    assertThat(c.maxBatch()).isEqualTo(AvSyncConfig.DEFAULT_MAX_BATCH);
  }

  @Test
  void nonsenseIsRejected() {
    AvSyncConfig d = AvSyncConfig.defaults();
    assertThatThrownBy(() -> d.withWindow(Duration.ofNanos(10)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withGrace(Duration.ofMillis(-1))).hasMessageContaining("grace");
    assertThatThrownBy(() -> d.withMaxRateHz(0)).hasMessageContaining("maxRateHz");
    assertThatThrownBy(() -> d.withMaxRateHz(Double.NaN)).hasMessageContaining("maxRateHz");
    assertThatThrownBy(() -> d.withMaxBatch(0)).hasMessageContaining("maxBatch");
    assertThatThrownBy(() -> d.withMaxDelay(Duration.ZERO)).hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> d.withStaleBudget(Duration.ofMillis(-5)))
        .hasMessageContaining("staleBudget");
  }
}
