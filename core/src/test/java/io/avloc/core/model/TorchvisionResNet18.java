package io.avloc.core.model;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code state_dict} layout of torchvision's {@code resnet18()}, written out independently of
 * {@link ResNet18Trunk} from torchvision's construction rules: names and shapes, in order.
 */
final class TorchvisionResNet18 {

  private TorchvisionResNet18() {}

  /**
   * Every tensor of {@code resnet18().state_dict()} for the given input channels and widths, with
   * the {@code num_batches_tracked} counters (shape ()) and, if {@code withFc}, the 1000-class
   * {@code fc}.
   */
  static Map<String, Shape> stateDict(int inChannels, int[] widths, boolean withFc) {
    Map<String, Shape> sd = new LinkedHashMap<>();
    sd.put("conv1.weight", new Shape(widths[0], inChannels, 7, 7));
    batchNorm(sd, "bn1", widths[0]);
    int inplanes = widths[0];
    for (int layer = 1; layer <= 4; layer++) {
      int planes = widths[layer - 1];
      for (int b = 0; b < 2; b++) {
        String p = "layer" + layer + "." + b + ".";
        int in = b == 0 ? inplanes : planes;
        sd.put(p + "conv1.weight", new Shape(planes, in, 3, 3));
        batchNorm(sd, p + "bn1", planes);
        sd.put(p + "conv2.weight", new Shape(planes, planes, 3, 3));
        batchNorm(sd, p + "bn2", planes);
        boolean stride2 = layer > 1 && b == 0;
        if (b == 0 && (stride2 || inplanes != planes)) {
          sd.put(p + "downsample.0.weight", new Shape(planes, inplanes, 1, 1));
          batchNorm(sd, p + "downsample.1", planes);
        }
      }
      inplanes = planes;
    }
    if (withFc) {
      sd.put("fc.weight", new Shape(1000, widths[3]));
      sd.put("fc.bias", new Shape(1000));
    }
    return sd;
  }

  private static void batchNorm(Map<String, Shape> sd, String prefix, int channels) {
    sd.put(prefix + ".weight", new Shape(channels));
    sd.put(prefix + ".bias", new Shape(channels));
    sd.put(prefix + ".running_mean", new Shape(channels));
    sd.put(prefix + ".running_var", new Shape(channels));
    sd.put(prefix + ".num_batches_tracked", new Shape());
  }
}
