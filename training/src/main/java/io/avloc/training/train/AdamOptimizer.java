package io.avloc.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam exactly as {@code torch.optim.Adam} computes it (docs/methods.md §4: constant learning rate,
 * β = (0.9, 0.999), ε = 1e-8, L2-coupled weight decay — 0 for EZ-VSL, 1e-4 for FNAC):
 *
 * <pre>
 * g ← ∇w + λ·w;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 * w ← w − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
 * </pre>
 *
 * <p>Written here rather than using DJL's {@code Adam} because a resumable checkpoint needs the
 * moments and step counts, which DJL keeps private; state is keyed by the parameters' structural
 * names (stable across runs), not by DJL's per-instance parameter ids.
 *
 * <p>Call {@link #step} outside a gradient collector (in-place updates of leaf tensors).
 */
public final class AdamOptimizer {

  public static final float BETA1 = 0.9f;
  public static final float BETA2 = 0.999f;
  public static final float EPSILON = 1e-8f;

  private final float learningRate;
  private final float weightDecay;
  private final Map<String, NDArray> means = new LinkedHashMap<>();
  private final Map<String, NDArray> variances = new LinkedHashMap<>();
  private long steps;

  public AdamOptimizer(float learningRate, float weightDecay) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weight decay must be ≥ 0, got " + weightDecay);
    }
    this.learningRate = learningRate;
    this.weightDecay = weightDecay;
  }

  /** Updates every parameter that has a gradient, then zeroes the gradients. */
  public void step(PairList<String, Parameter> parameters) {
    steps++;
    double bias1 = 1 - Math.pow(BETA1, steps);
    double sqrtBias2 = Math.sqrt(1 - Math.pow(BETA2, steps));
    for (Pair<String, Parameter> p : parameters) {
      Parameter parameter = p.getValue();
      if (!parameter.requiresGradient()) {
        continue; // BatchNorm running statistics
      }
      NDArray w = parameter.getArray();
      NDArray grad = w.getGradient();
      NDArray m = means.computeIfAbsent(p.getKey(), k -> state(w));
      NDArray v = variances.computeIfAbsent(p.getKey(), k -> state(w));
      try (NDManager scratch = w.getManager().newSubManager()) {
        NDArray g = grad;
        if (weightDecay > 0) {
          g = attach(grad.add(attach(w.mul(weightDecay), scratch)), scratch);
        }
        m.muli(BETA1).addi(attach(g.mul(1 - BETA1), scratch));
        v.muli(BETA2).addi(attach(attach(g.square(), scratch).muli(1 - BETA2), scratch));
        NDArray denominator =
            attach(attach(v.sqrt(), scratch).divi(sqrtBias2).addi(EPSILON), scratch);
        w.subi(attach(attach(m.div(denominator), scratch).muli(learningRate / bias1), scratch));
      }
      grad.subi(grad); // zero in place; DJL keeps the same gradient buffer across steps
    }
  }

  /** Number of steps taken (PyTorch's {@code state['step']}). */
  public long steps() {
    return steps;
  }

  public float learningRate() {
    return learningRate;
  }

  public float weightDecay() {
    return weightDecay;
  }

  /** Writes the step count and the moments. */
  public void save(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeLong(steps);
    data.flush();
    NDList list = new NDList();
    for (Map.Entry<String, NDArray> e : means.entrySet()) {
      NDArray m = e.getValue();
      m.setName("m:" + e.getKey());
      list.add(m);
      NDArray v = variances.get(e.getKey());
      v.setName("v:" + e.getKey());
      list.add(v);
    }
    list.encode(out);
  }

  /**
   * Restores what {@link #save} wrote; the moments are attached to the manager of the matching
   * parameters.
   */
  public void load(InputStream in, PairList<String, Parameter> parameters) throws IOException {
    DataInputStream data = new DataInputStream(in);
    long savedSteps = data.readLong();
    Map<String, Parameter> byName = new LinkedHashMap<>();
    parameters.forEach(p -> byName.put(p.getKey(), p.getValue()));
    NDManager any = parameters.valueAt(0).getArray().getManager();
    try (NDManager staging = any.newSubManager()) {
      NDList list = NDList.decode(staging, in);
      for (NDArray a : list) {
        String name = a.getName();
        String key = name.substring(2);
        Parameter owner = byName.get(key);
        if (owner == null || !owner.getArray().getShape().equals(a.getShape())) {
          throw new IOException(
              "optimizer state for '" + key + "' does not match the network; wrong checkpoint?");
        }
        NDArray copy = a.duplicate();
        copy.attach(owner.getArray().getManager());
        (name.startsWith("m:") ? means : variances).put(key, copy);
      }
    }
    steps = savedSteps;
  }

  private static NDArray state(NDArray like) {
    return like.getManager().zeros(like.getShape(), like.getDataType());
  }

  private static NDArray attach(NDArray a, NDManager scratch) {
    a.attach(scratch);
    return a;
  }
}
