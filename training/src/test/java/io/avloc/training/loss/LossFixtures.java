package io.avloc.training.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.avloc.core.model.AvLocalizer;
import java.util.Random;
import java.util.function.ToDoubleFunction;

/** Inputs for the loss tests on the real PyTorch engine, and plain-Java reference arithmetic. */
final class LossFixtures {

  private LossFixtures() {}

  static NDManager pytorchManager() {
    return Engine.getEngine("PyTorch").newBaseManager();
  }

  /** The forward output (simmap, A, V) the losses read, for given V (B,D,h,w) and A (B,D). */
  static NDList forwardOutput(NDArray visual, NDArray audio) {
    return new NDList(AvLocalizer.ownPairSimilarity(visual, audio), audio, visual);
  }

  /**
   * float64 V from vectors {@code visual[n][p][c]}, p running row-major over the h×w locations,
   * laid out as (B, D, h, w).
   */
  static NDArray visualMap(NDManager manager, double[][][] visual, int h, int w) {
    int b = visual.length;
    int d = visual[0][0].length;
    double[] data = new double[b * d * h * w];
    for (int n = 0; n < b; n++) {
      for (int c = 0; c < d; c++) {
        for (int p = 0; p < h * w; p++) {
          data[(n * d + c) * h * w + p] = visual[n][p][c];
        }
      }
    }
    return manager.create(data, new Shape(b, d, h, w));
  }

  static NDArray audioEmbeddings(NDManager manager, double[][] audio) {
    return manager.create(audio);
  }

  static double scalar(NDArray value) {
    assertThat(value.getShape().isScalar()).as("loss terms are scalars").isTrue();
    return value.toType(DataType.FLOAT64, false).getDouble();
  }

  /** {@code count} vectors of dimension d drawn uniformly on the unit sphere. */
  static double[] unitVectors(Random random, int count, int d) {
    double[] out = new double[count * d];
    for (int i = 0; i < count; i++) {
      double norm = 0;
      for (int c = 0; c < d; c++) {
        double x = random.nextGaussian();
        out[i * d + c] = x;
        norm += x * x;
      }
      for (int c = 0; c < d; c++) {
        out[i * d + c] /= Math.sqrt(norm);
      }
    }
    return out;
  }

  /** Random L2-normalised V, flat in (B, D, h, w) order. */
  static double[] randomVisual(Random random, int b, int d, int h, int w) {
    double[] vectors = unitVectors(random, b * h * w, d); // [n][p][c]
    double[] out = new double[b * d * h * w];
    for (int n = 0; n < b; n++) {
      for (int p = 0; p < h * w; p++) {
        for (int c = 0; c < d; c++) {
          out[(n * d + c) * h * w + p] = vectors[(n * h * w + p) * d + c];
        }
      }
    }
    return out;
  }

  // ---- plain-Java reference arithmetic ----

  /** S[n][m][p] = Σ_c V[n,c,p]·A[m,c] from flat (B,D,P) and (B,D) arrays. */
  static double[][][] cosines(double[] visual, double[] audio, int b, int d, int positions) {
    double[][][] s = new double[b][b][positions];
    for (int n = 0; n < b; n++) {
      for (int m = 0; m < b; m++) {
        for (int p = 0; p < positions; p++) {
          for (int c = 0; c < d; c++) {
            s[n][m][p] += visual[(n * d + c) * positions + p] * audio[m * d + c];
          }
        }
      }
    }
    return s;
  }

  static double[] softmax(double... x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.exp(x[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < x.length; i++) {
      out[i] /= sum;
    }
    return out;
  }

  static double[][] softmaxRows(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      out[i] = softmax(x[i]);
    }
    return out;
  }

  static double meanAbsoluteDifference(double[][] p, double[][] q) {
    double sum = 0;
    int count = 0;
    for (int i = 0; i < p.length; i++) {
      for (int j = 0; j < p[i].length; j++) {
        sum += Math.abs(p[i][j] - q[i][j]);
        count++;
      }
    }
    return sum / count;
  }

  // ---- gradient check ----

  /**
   * Asserts that the autograd gradient of {@code loss} with respect to V and A equals central
   * finite differences, in float64.
   */
  static void assertGradientsMatchFiniteDifferences(
      AvContrastiveLoss loss,
      double[] visual,
      Shape visualShape,
      double[] audio,
      Shape audioShape) {
    double[] visualGradient;
    double[] audioGradient;
    try (NDManager manager = pytorchManager();
        GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray v = manager.create(visual, visualShape);
      NDArray a = manager.create(audio, audioShape);
      v.setRequiresGradient(true);
      a.setRequiresGradient(true);
      NDArray total = loss.evaluate(new NDList(), forwardOutput(v, a));
      collector.backward(total);
      visualGradient = v.getGradient().toDoubleArray();
      audioGradient = a.getGradient().toDoubleArray();
    }
    double[] visualNumeric =
        numericGradient(visual, x -> value(loss, x, visualShape, audio, audioShape));
    double[] audioNumeric =
        numericGradient(audio, x -> value(loss, visual, visualShape, x, audioShape));
    assertClose(visualGradient, visualNumeric, "dL/dV");
    assertClose(audioGradient, audioNumeric, "dL/dA");
  }

  private static final double STEP = 1e-6;

  /** (f(x + h·e_i) − f(x − h·e_i)) / 2h for every i. */
  private static double[] numericGradient(double[] at, ToDoubleFunction<double[]> f) {
    double[] gradient = new double[at.length];
    for (int i = 0; i < at.length; i++) {
      double[] plus = at.clone();
      double[] minus = at.clone();
      plus[i] += STEP;
      minus[i] -= STEP;
      gradient[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * STEP);
    }
    return gradient;
  }

  private static double value(
      AvContrastiveLoss loss,
      double[] visual,
      Shape visualShape,
      double[] audio,
      Shape audioShape) {
    try (NDManager manager = pytorchManager()) {
      NDArray v = manager.create(visual, visualShape);
      NDArray a = manager.create(audio, audioShape);
      return scalar(loss.evaluate(new NDList(), forwardOutput(v, a)));
    }
  }

  private static void assertClose(double[] analytic, double[] numeric, String what) {
    double largest = 0;
    for (int i = 0; i < numeric.length; i++) {
      assertThat(analytic[i])
          .as("%s[%d]", what, i)
          .isCloseTo(numeric[i], within(1e-6 + 1e-6 * Math.abs(numeric[i])));
      largest = Math.max(largest, Math.abs(numeric[i]));
    }
    assertThat(largest).as("%s is not trivially zero", what).isGreaterThan(1e-3);
  }

  /**
   * Smallest gap between the best and second-best location over all (n, m): max-pooling is locally
   * smooth when it is clearly positive.
   */
  static double smallestArgmaxGap(double[][][] s) {
    double smallest = Double.POSITIVE_INFINITY;
    for (double[][] row : s) {
      for (double[] pair : row) {
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (double x : pair) {
          if (x > first) {
            second = first;
            first = x;
          } else if (x > second) {
            second = x;
          }
        }
        smallest = Math.min(smallest, first - second);
      }
    }
    return smallest;
  }
}
