package io.avloc.core.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;

/**
 * The scores of one evaluated sample.
 *
 * @param file the sample's id (e.g. the VGG-SS {@code file} or the Flickr image id)
 * @param ciou its consensus IoU with the median threshold
 * @param pointing whether the prediction's peak lies in the ground truth
 * @param oracleCiou the cIoU of the ground truth itself as the prediction
 */
@JsonPropertyOrder({"file", "ciou", "pointing", "oracle_ciou"})
public record SampleScore(
    @JsonProperty("file") String file,
    @JsonProperty("ciou") double ciou,
    @JsonProperty("pointing") boolean pointing,
    @JsonProperty("oracle_ciou") double oracleCiou) {
  public SampleScore {
    Objects.requireNonNull(file, "file");
  }
}
