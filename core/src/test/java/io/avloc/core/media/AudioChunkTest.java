package io.avloc.core.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AudioChunkTest {

  @Test
  void durationFollowsFromSamplesAndRate() {
    AudioChunk chunk = new AudioChunk(5_000_000, 16_000, 1, new byte[3200]);
    assertThat(chunk.frames()).isEqualTo(1600);
    assertThat(chunk.durationUs()).isEqualTo(100_000);
    assertThat(chunk.endUs()).isEqualTo(5_100_000);
  }

  @Test
  void monoSamplesAverageTheChannelsAndScaleByInt16Max() {
    // one stereo frame: left = 32767, right = -32767 -> 0; second: both 16384 -> ~0.5
    byte[] pcm = {(byte) 0xff, 0x7f, 0x01, (byte) 0x80, 0x00, 0x40, 0x00, 0x40};
    float[] mono = new AudioChunk(0, 8000, 2, pcm).monoSamples();
    assertThat(mono).hasSize(2);
    assertThat(mono[0]).isCloseTo(0f, within(1e-6f));
    assertThat(mono[1]).isCloseTo(16384f / 32767f, within(1e-6f));
  }

  @Test
  void fromMonoRoundTripsWithinOneQuantizationStep() {
    float[] samples = {0f, 0.25f, -0.5f, 1f, -1f};
    float[] back = AudioChunk.fromMono(0, 16000, samples).monoSamples();
    for (int i = 0; i < samples.length; i++) {
      assertThat(back[i]).isCloseTo(samples[i], within(1f / 32767f));
    }
  }
}
