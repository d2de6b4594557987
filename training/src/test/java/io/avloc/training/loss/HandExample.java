package io.avloc.training.loss;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The worked example of the loss tests: B = 2 clips, D = 2, a 2×2 visual map, τ = 0.5, unit vectors
 * with cosines that are easy to read off. Locations p = 0..3 run row-major over the map.
 */
final class HandExample {

  private HandExample() {}

  static final float TAU = 0.5f;

  /** A[m]: audio 0 = (1, 0), audio 1 = (0.6, 0.8). */
  static final double[][] AUDIO = {{1, 0}, {0.6, 0.8}};

  /** V[n][p]: the image's embedding at each location. */
  static final double[][][] VISUAL = {
    {{1, 0}, {0, 1}, {0.8, 0.6}, {-1, 0}},
    {{0.8, -0.6}, {0.6, -0.8}, {-0.6, 0.8}, {0, 1}}
  };

  /*
   * Cosines S[n,m,p] = V[n,:,p]·A[m], by hand (audio 0 reads the first component, audio 1 is
   * 0.6·x + 0.8·y):
   *   S[0,0,:] = ( 1.0,  0.0,  0.8, -1.0)   max 1.0
   *   S[0,1,:] = ( 0.6,  0.8,  0.96, -0.6)  max 0.96
   *   S[1,0,:] = ( 0.8,  0.6, -0.6,  0.0)   max 0.8
   *   S[1,1,:] = ( 0.0, -0.28, 0.28, 0.8)   max 0.8
   */

  /** s[n][m] = max_p S[n,m,p]. */
  static final double[][] MAX_COSINE = {{1.0, 0.96}, {0.8, 0.8}};

  /** Own-pair cosines S[i,i,:]. */
  static final double[][] OWN_PAIR = {{1.0, 0.0, 0.8, -1.0}, {0.0, -0.28, 0.28, 0.8}};

  static NDList forwardOutput(NDManager manager) {
    return LossFixtures.forwardOutput(
        LossFixtures.visualMap(manager, VISUAL, 2, 2),
        LossFixtures.audioEmbeddings(manager, AUDIO));
  }

  /** −log softmax(row)[target]. */
  static double crossEntropy(double[] row, int target) {
    return -Math.log(LossFixtures.softmax(row)[target]);
  }
}
