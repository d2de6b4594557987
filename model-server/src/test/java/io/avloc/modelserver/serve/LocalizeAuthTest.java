package io.avloc.modelserver.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.core.serde.Json;
import io.avloc.testkit.MediaRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/localize} with a bearer token: a real HTTP client, batcher and model. */
class LocalizeAuthTest {

  private static final long NOW_US = 1_700_000_100_000_000L;
  private static final String TOKEN = "s3cret-token-for-tests";

  private static LocalizeFixture localize;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    ServeConfig config = ServeConfig.builder().localizeToken(BearerToken.of(TOKEN)).build();
    localize = LocalizeFixture.start("serve-auth-test", config, NOW_US);
  }

  @AfterAll
  static void stop() {
    localize.close();
  }

  private static String body() throws Exception {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("camera", "door");
    n.put("image", Base64.getEncoder().encodeToString(MediaRecords.jpeg(160, 120, 40)));
    n.put("audio", Base64.getEncoder().encodeToString(LocalizeEndpointTest.wav(3.5, 16_000, 1)));
    return n.toString();
  }

  private HttpResponse<String> post(String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(localize.url()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body()));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRequestWithoutTheTokenIsRefusedWith401AndAChallenge() throws Exception {
    HttpResponse<String> r = post(null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"avloc\"");
    assertThat(Json.MAPPER.readTree(r.body()).get("error").asText())
        .contains("Authorization: Bearer");
  }

  @Test
  void aWrongTokenOrAnotherSchemeIsRefusedWith401() throws Exception {
    assertThat(post("Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
    assertThat(post("Bearer s3cret").statusCode()).isEqualTo(401);
    assertThat(post("Basic " + TOKEN).statusCode()).isEqualTo(401);
    assertThat(post("Bearer ").statusCode()).isEqualTo(401);
  }

  @Test
  void theRightTokenIsServed() throws Exception {
    HttpResponse<String> r = post("Bearer " + TOKEN);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    HeatmapEvent e = HeatmapEventSerde.fromJson(r.body().getBytes(StandardCharsets.UTF_8));
    assertThat(e.camera()).isEqualTo("door");
    assertThat(post("bearer " + TOKEN).statusCode())
        .as("the scheme is case-insensitive")
        .isEqualTo(200);
  }

  @Test
  void probesAndMetricsNeedNoToken() throws Exception {
    for (String path : new String[] {"/health", "/ready", "/metrics"}) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(localize.server.url() + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
    }
  }
}
