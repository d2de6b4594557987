package io.avloc.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads pretrained ResNet-18 weights into a {@link ResNet18Trunk} from a local {@code .npz} file of
 * named float arrays under torchvision's {@code state_dict} names ({@code conv1.weight}, {@code
 * layer1.0.bn1.running_mean}, …). {@code tools/export_torchvision_resnet18.py} writes such a file
 * from {@code resnet18(weights="IMAGENET1K_V1")}; nothing is ever downloaded here.
 *
 * <p>The classifier ({@code fc.weight}, {@code fc.bias}) and the batch-norm {@code
 * num_batches_tracked} counters are ignored, so a raw {@code state_dict} dump also loads. Any other
 * difference (a missing tensor, an unknown name, a shape that does not match the trunk) fails the
 * whole load with one message that names every offending tensor, before anything is copied.
 */
public final class ImageNetWeights {

  private ImageNetWeights() {}

  /**
   * Copies the weights in {@code npz} into an initialised trunk.
   *
   * @throws IllegalArgumentException naming every missing, unexpected or mis-shaped tensor
   * @throws IOException if the file cannot be read
   */
  public static void load(ResNet18Trunk trunk, Path npz) throws IOException {
    NDManager owner = anyArray(trunk).getManager();
    try (NDManager manager = owner.newSubManager();
        InputStream in = Files.newInputStream(npz)) {
      NDList arrays = NDList.decode(manager, in);
      load(trunk, arrays, npz.toString());
    }
  }

  /**
   * Copies named arrays into an initialised trunk.
   *
   * @param source what the arrays came from, for messages
   * @throws IllegalArgumentException naming every missing, unexpected or mis-shaped tensor
   */
  public static void load(ResNet18Trunk trunk, NDList arrays, String source) {
    Map<String, Parameter> expected = trunk.torchvisionParameters();
    Map<String, NDArray> given = new LinkedHashMap<>();
    List<String> unexpected = new ArrayList<>();
    for (NDArray array : arrays) {
      String name = array.getName();
      if (name == null || isIgnored(name)) {
        continue;
      }
      if (expected.containsKey(name)) {
        given.put(name, array);
      } else {
        unexpected.add(name);
      }
    }
    List<String> missing = new ArrayList<>();
    List<String> misShaped = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : expected.entrySet()) {
      NDArray array = given.get(e.getKey());
      Shape want = e.getValue().getShape();
      if (want == null || !e.getValue().isInitialized()) {
        throw new IllegalStateException("initialize the trunk before loading weights into it");
      }
      if (array == null) {
        missing.add(e.getKey());
      } else if (!array.getShape().equals(want)) {
        misShaped.add(e.getKey() + " is " + array.getShape() + ", the trunk needs " + want);
      } else if (!array.getDataType().isFloating()) {
        misShaped.add(e.getKey() + " has type " + array.getDataType() + ", not a float type");
      }
    }
    if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty()) {
      StringBuilder msg =
          new StringBuilder("ResNet-18 weights in ")
              .append(source)
              .append(" do not fit the trunk (")
              .append(trunk.inChannels())
              .append(" input channels, widths ")
              .append(trunk.widths())
              .append("):");
      if (!missing.isEmpty()) {
        msg.append("\n  missing: ").append(String.join(", ", missing));
      }
      if (!unexpected.isEmpty()) {
        msg.append("\n  unexpected: ").append(String.join(", ", unexpected));
      }
      if (!misShaped.isEmpty()) {
        msg.append("\n  wrong shape or type: ").append(String.join("; ", misShaped));
      }
      throw new IllegalArgumentException(msg.toString());
    }
    for (Map.Entry<String, Parameter> e : expected.entrySet()) {
      NDArray src = given.get(e.getKey());
      float[] values =
          src.getDataType() == DataType.FLOAT32
              ? src.toFloatArray()
              : src.toType(DataType.FLOAT32, false).toFloatArray();
      e.getValue().getArray().set(FloatBuffer.wrap(values));
    }
  }

  private static boolean isIgnored(String name) {
    return name.equals("fc.weight")
        || name.equals("fc.bias")
        || name.endsWith(".num_batches_tracked");
  }

  private static NDArray anyArray(ResNet18Trunk trunk) {
    Parameter p = trunk.conv1().getDirectParameters().get("weight");
    if (!p.isInitialized()) {
      throw new IllegalStateException("initialize the trunk before loading weights into it");
    }
    return p.getArray();
  }
}
