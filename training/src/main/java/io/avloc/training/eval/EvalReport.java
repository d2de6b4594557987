package io.avloc.training.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.avloc.core.metrics.LocalizationSummary;
import io.avloc.core.metrics.SampleScore;
import java.util.List;
import java.util.Objects;

/**
 * The result of an evaluation run. Serializes with core's {@code Json.MAPPER} to {@code {"map",
 * "upsample", "alpha", "image_size", "n", "ciou", "auc", "mean_ciou", "pointing", "oracle_ciou",
 * "oracle_mean_ciou", "n_offscreen", "onscreen_ap", "per_sample": [{"file", "ciou", "pointing",
 * "oracle_ciou"}]}}, every metric a fraction in [0, 1] ("ciou" is AP50, the field's cIoU).
 *
 * <p>The localization metrics cover the clips with a visible source. Clips without one have no box
 * to find; they only enter the on/off-screen AP.
 *
 * @param map which map was scored ({@code av}, {@code obj}, {@code av+obj})
 * @param upsample how the network's map was brought to 224×224 ({@code bilinear}: align_corners =
 *     True, as {@code test.py}; {@code bicubic}: align_corners = False, as {@code train.py})
 * @param alpha the AV weight of the OGL mix, or {@code null} when the map is not mixed
 * @param imageSize the network's input size; the maps are scored at 224×224 regardless
 * @param localization cIoU, AUC and the rest over the on-screen clips
 * @param offscreen the number of clips without a visible source
 * @param onscreenAp average precision of the audio-visual score (the largest cosine of the
 *     similarity map) at telling on-screen clips (positives) from clips without a visible source
 *     (negatives); {@code null} when there are no clips without a visible source
 */
@JsonPropertyOrder({
  "map",
  "upsample",
  "alpha",
  "image_size",
  "n",
  "ciou",
  "auc",
  "mean_ciou",
  "pointing",
  "oracle_ciou",
  "oracle_mean_ciou",
  "n_offscreen",
  "onscreen_ap",
  "per_sample"
})
public record EvalReport(
    @JsonProperty("map") String map,
    @JsonProperty("upsample") String upsample,
    @JsonProperty("alpha") @JsonInclude(JsonInclude.Include.NON_NULL) Double alpha,
    @JsonProperty("image_size") int imageSize,
    @JsonIgnore LocalizationSummary localization,
    @JsonProperty("n_offscreen") int offscreen,
    @JsonProperty("onscreen_ap") @JsonInclude(JsonInclude.Include.ALWAYS) Double onscreenAp) {

  public EvalReport {
    Objects.requireNonNull(map, "map");
    Objects.requireNonNull(upsample, "upsample");
    Objects.requireNonNull(localization, "localization");
  }

  /** Clips with a visible source, scored for localization. */
  @JsonProperty("n")
  public int n() {
    return localization.n();
  }

  /** AP50: the share of on-screen clips with cIoU ≥ 0.5, the field's "cIoU". */
  @JsonProperty("ciou")
  public double ciou() {
    return localization.ap50();
  }

  @JsonProperty("auc")
  public double auc() {
    return localization.auc();
  }

  @JsonProperty("mean_ciou")
  public double meanCiou() {
    return localization.meanCiou();
  }

  @JsonProperty("pointing")
  public double pointing() {
    return localization.pointing();
  }

  @JsonProperty("oracle_ciou")
  public double oracleCiou() {
    return localization.oracleCiou();
  }

  @JsonProperty("oracle_mean_ciou")
  public double oracleMeanCiou() {
    return localization.oracleMeanCiou();
  }

  @JsonProperty("per_sample")
  public List<SampleScore> perSample() {
    return localization.perSample();
  }
}
