package io.avloc.core.artifact;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shape of a model input or output: each dimension is a fixed size or a symbolic name such as
 * {@code N} (batch) or {@code T} (spectrogram frames). JSON: {@code ["N", 3, 224, 224]}.
 */
public record TensorSpec(List<Object> dims) {

  public TensorSpec {
    Objects.requireNonNull(dims, "dims");
    List<Object> copy = new ArrayList<>(dims.size());
    for (Object d : dims) {
      if (d instanceof Number n) {
        long v = n.longValue();
        if (v <= 0 || v != n.doubleValue()) {
          throw new IllegalArgumentException("a fixed dimension must be a positive integer: " + d);
        }
        copy.add(v);
      } else if (d instanceof String s && !s.isBlank()) {
        copy.add(s);
      } else {
        throw new IllegalArgumentException(
            "a dimension is a positive integer or a symbolic name, got " + d);
      }
    }
    dims = List.copyOf(copy);
  }

  /** Builds a spec from sizes and names, e.g. {@code of("N", 3, 224, 224)}. */
  public static TensorSpec of(Object... dims) {
    return new TensorSpec(List.of(dims));
  }

  @JsonCreator
  static TensorSpec fromJson(List<Object> dims) {
    return new TensorSpec(dims);
  }

  @JsonValue
  List<Object> json() {
    return dims;
  }

  public int rank() {
    return dims.size();
  }

  /** Whether dimension {@code i} is symbolic. */
  public boolean isSymbolic(int i) {
    return dims.get(i) instanceof String;
  }

  /** The fixed size of dimension {@code i}. */
  public long size(int i) {
    Object d = dims.get(i);
    if (d instanceof Long l) {
      return l;
    }
    throw new IllegalStateException("dimension " + i + " is symbolic (" + d + ")");
  }

  @Override
  public String toString() {
    return dims.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
  }
}
