package io.avloc.benchmarks;

import io.avloc.core.model.AvLocalizerConfig;
import io.avloc.core.model.Preset;
import java.util.List;

/**
 * Analytic floating-point operations of one {@code AvLocalizer} inference forward (one sample),
 * counting a multiply-add as 2 FLOPs in every convolution, linear layer and the similarity product.
 * Batch norm, ReLU, pooling and normalization are left out (they are memory-bound and under 1 % of
 * the total), so a FLOP rate derived from this count is slightly conservative. Run {@code main} to
 * print the counts per preset.
 */
public final class NetworkFlops {
  private NetworkFlops() {}

  /** FLOPs of one sample through the whole inference graph. */
  public static double perSample(AvLocalizerConfig c) {
    int s = c.imageSize();
    double visual = trunk(3, s, s, c.visualWidths());
    int h =
        outSize(outSize(outSize(outSize(outSize(s, 7, 2, 3), 3, 2, 1), 3, 2, 1), 3, 2, 1), 3, 2, 1);
    double projection = 2.0 * c.visualWidths().get(3) * c.embeddingDim() * h * h;
    double audio = trunk(1, c.frequencyBins(), c.frames(), c.audioWidths());
    double linear = 2.0 * c.audioWidths().get(3) * c.embeddingDim();
    double similarity = 2.0 * c.embeddingDim() * h * h;
    return visual + projection + audio + linear + similarity;
  }

  /** A torchvision ResNet-18 trunk (stem, max pool, 4 stages of 2 BasicBlocks) on H×W. */
  static double trunk(int channels, int height, int width, List<Integer> widths) {
    double flops = 0;
    int h = outSize(height, 7, 2, 3);
    int w = outSize(width, 7, 2, 3);
    flops += conv(channels, widths.get(0), 7, h, w);
    h = outSize(h, 3, 2, 1);
    w = outSize(w, 3, 2, 1);
    int in = widths.get(0);
    for (int stage = 0; stage < 4; stage++) {
      int out = widths.get(stage);
      int stride = stage == 0 ? 1 : 2;
      int oh = outSize(h, 3, stride, 1);
      int ow = outSize(w, 3, stride, 1);
      // first block: conv3x3(stride), conv3x3, plus a 1x1 downsample when the shape changes
      flops += conv(in, out, 3, oh, ow) + conv(out, out, 3, oh, ow);
      if (stride != 1 || in != out) {
        flops += conv(in, out, 1, oh, ow);
      }
      // second block
      flops += 2 * conv(out, out, 3, oh, ow);
      h = oh;
      w = ow;
      in = out;
    }
    return flops;
  }

  private static double conv(int in, int out, int k, int oh, int ow) {
    return 2.0 * in * out * k * k * oh * ow;
  }

  private static int outSize(int in, int k, int stride, int pad) {
    return (in + 2 * pad - k) / stride + 1;
  }

  public static void main(String[] args) {
    for (Preset p : Preset.values()) {
      System.out.printf(
          "%-6s %.3f GFLOP per sample (image %d px, spectrogram 257x%d)%n",
          p.name().toLowerCase(),
          perSample(p.config()) / 1e9,
          p.config().imageSize(),
          p.config().frames());
    }
  }
}
