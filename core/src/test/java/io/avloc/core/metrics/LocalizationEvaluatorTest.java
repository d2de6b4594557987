package io.avloc.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.avloc.core.serde.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalizationEvaluatorTest {
  // 2x2 maps: threshold index 2.
  private static final double[] GT = {0, 0, 1, 1};

  @Test
  void scoresEachSampleAndSummarizesTheDataset() {
    LocalizationEvaluator evaluator = new LocalizationEvaluator();
    SampleScore perfect = evaluator.add("a", new double[] {0.1, 0.2, 0.8, 0.9}, GT);
    SampleScore wrong = evaluator.add("b", new double[] {0.9, 0.8, 0.2, 0.1}, GT);
    assertThat(perfect).isEqualTo(new SampleScore("a", 1.0, true, 1.0));
    assertThat(wrong).isEqualTo(new SampleScore("b", 0.0, false, 1.0));

    LocalizationSummary summary = evaluator.summary();
    assertThat(summary.n()).isEqualTo(2);
    assertThat(summary.ap50()).isEqualTo(0.5);
    // SR_0 = 1, SR_k = 0.5 for k >= 1: 0.05·0.75 + 19·0.05·0.5.
    assertThat(summary.auc()).isCloseTo(0.0375 + 0.475, within(1e-12));
    assertThat(summary.meanCiou()).isEqualTo(0.5);
    assertThat(summary.pointing()).isEqualTo(0.5);
    assertThat(summary.oracleCiou()).isEqualTo(1.0);
    assertThat(summary.oracleMeanCiou()).isEqualTo(1.0);
    assertThat(summary.perSample()).containsExactly(perfect, wrong);
  }

  @Test
  void floatPredictionsAreScoredLikeTheirDoubleValues() {
    LocalizationEvaluator evaluator = new LocalizationEvaluator();
    assertThat(evaluator.add("f", new float[] {0.1f, 0.2f, 0.8f, 0.9f}, GT).ciou()).isEqualTo(1.0);
  }

  @Test
  void theSummarySerializesToTheCliShape() {
    LocalizationEvaluator evaluator = new LocalizationEvaluator();
    evaluator.add("clip_1", new double[] {0.1, 0.2, 0.8, 0.9}, GT);
    JsonNode json = Json.MAPPER.valueToTree(evaluator.summary());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "n",
            "ciou",
            "auc",
            "mean_ciou",
            "pointing",
            "oracle_ciou",
            "oracle_mean_ciou",
            "per_sample");
    assertThat(json.get("n").asInt()).isEqualTo(1);
    assertThat(json.get("ciou").asDouble()).isEqualTo(1.0);
    assertThat(json.get("auc").asDouble()).isCloseTo(1.0, within(1e-12));
    JsonNode sample = json.get("per_sample").get(0);
    assertThat(sample.get("file").asText()).isEqualTo("clip_1");
    assertThat(sample.get("ciou").asDouble()).isEqualTo(1.0);
    assertThat(sample.get("pointing").asBoolean()).isTrue();
    assertThat(sample.get("oracle_ciou").asDouble()).isEqualTo(1.0);
  }

  @Test
  void anEmptyEvaluatorHasNoSummary() {
    assertThatThrownBy(() -> new LocalizationEvaluator().summary())
        .isInstanceOf(IllegalStateException.class);
  }
}
