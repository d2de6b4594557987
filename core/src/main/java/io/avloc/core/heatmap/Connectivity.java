package io.avloc.core.heatmap;

/** Which neighbouring pixels join a connected component. */
public enum Connectivity {
  /** Edge neighbours only (up, down, left, right). */
  FOUR,
  /** Edge and corner neighbours, so diagonal chains form one component. */
  EIGHT
}
