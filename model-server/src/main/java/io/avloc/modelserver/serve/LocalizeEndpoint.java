package io.avloc.modelserver.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.avloc.core.audio.AudioClip;
import io.avloc.core.audio.AudioDecodeException;
import io.avloc.core.audio.AudioDecoder;
import io.avloc.core.audio.AudioWindows;
import io.avloc.core.audio.Resampler;
import io.avloc.core.event.HeatmapEvent;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.InvalidMediaException;
import io.avloc.core.media.MediaValidator;
import io.avloc.core.media.VideoFrame;
import io.avloc.core.pair.AvPair;
import io.avloc.core.serde.HeatmapEventSerde;
import io.avloc.core.serde.Json;
import io.avloc.modelserver.batch.DynamicBatcher;
import io.avloc.modelserver.batch.RejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/localize}: one image and one audio clip in, one {@link HeatmapEvent} out, for
 * ad-hoc use (curl, notebooks). The request goes through the same batcher and model as the pairs
 * from Kafka.
 *
 * <p>Request: {@code Content-Type: application/json}, body {@code {"image": "<base64 JPEG or PNG>",
 * "audio": "<base64 WAV or OGG/Vorbis>", "camera": "<id, optional>", "frameTsUs": <optional µs>}}.
 * The audio may have any rate from 8 to 96 kHz and any channel count; it is mixed to mono,
 * resampled to 16 kHz and its centred window (the model's, 3 s) is used, as in offline evaluation.
 * The event reports that window as centred on {@code frameTsUs} (default: now).
 *
 * <p>When the server has a {@link BearerToken}, requests must carry it as {@code Authorization:
 * Bearer <token>}; 401 otherwise.
 *
 * <p>Errors are JSON {@code {"error": "...", "field": "..."}}: 400 for a bad body or field (which
 * one, and why), 401 without the right token, 405 for another method, 413 for a body over the limit
 * or an image over the image limits (read from its header before anything is decoded), 415 for
 * another content type, 503 when the batcher is overloaded, 500 when inference fails.
 */
final class LocalizeEndpoint implements HttpHandler {

  static final String PATH = "/v1/localize";

  private static final Logger LOG = LoggerFactory.getLogger(LocalizeEndpoint.class);

  private final DynamicBatcher<AvPair, Outcome> batcher;
  private final ServeConfig config;
  private final ServeMetrics metrics;
  private final LongSupplier wallClockUs;
  private final int windowSamples;

  LocalizeEndpoint(
      DynamicBatcher<AvPair, Outcome> batcher,
      ServeConfig config,
      ServeMetrics metrics,
      LongSupplier wallClockUs) {
    this.batcher = batcher;
    this.config = config;
    this.metrics = metrics;
    this.wallClockUs = wallClockUs;
    this.windowSamples = (int) (config.window().toNanos() * AvPair.SAMPLE_RATE / 1_000_000_000L);
  }

  /** A request that cannot be served, with its status and, where it is about one, the field. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String field;

    Refusal(int status, String field, String message) {
      super(message, null, false, false);
      this.status = status;
      this.field = field;
    }
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      int status;
      byte[] body;
      try {
        HeatmapEvent event = localize(ex);
        status = 200;
        body = HeatmapEventSerde.toJson(event);
      } catch (Refusal r) {
        status = r.status;
        body = error(r.getMessage(), r.field);
        if (status == 405) {
          ex.getResponseHeaders().set("Allow", "POST");
        } else if (status == 401) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"avloc\"");
        } else if (status == 503) {
          ex.getResponseHeaders().set("Retry-After", "1");
        }
      } catch (RuntimeException e) {
        LOG.error("{} failed: {}", PATH, e.toString(), e);
        status = 500;
        body = error("inference failed: " + e.getMessage(), null);
      }
      metrics.httpRequest(status);
      drain(ex.getRequestBody());
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * Reads away what is left of the request body, up to a bound: a server that closes a connection
   * with unread data resets it, and the client would not see a refusal sent before the upload
   * ended.
   */
  private void drain(InputStream in) {
    long budget = 4L * config.maxRequestBytes();
    byte[] sink = new byte[64 << 10];
    try {
      for (int n; budget > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, budget))) > 0; ) {
        budget -= n;
      }
    } catch (IOException e) {
      // the client went away; nothing to answer
    }
  }

  private HeatmapEvent localize(HttpExchange ex) throws Refusal {
    long receivedAtUs = wallClockUs.getAsLong();
    if (!ex.getRequestURI().getPath().equals(PATH)) {
      throw new Refusal(404, null, "no such endpoint; POST to " + PATH);
    }
    if (!"POST".equals(ex.getRequestMethod())) {
      throw new Refusal(
          405, null, ex.getRequestMethod() + " is not allowed on " + PATH + "; use POST");
    }
    BearerToken token = config.localizeToken();
    if (token != null && !token.matches(ex.getRequestHeaders().getFirst("Authorization"))) {
      throw new Refusal(
          401,
          null,
          "missing or wrong bearer token; send 'Authorization: Bearer <token>' (the token of"
              + " the server's --token-file or "
              + BearerToken.ENV
              + ")");
    }
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null
        || !type.trim()
            .toLowerCase(Locale.ROOT)
            .split(";", 2)[0]
            .trim()
            .equals("application/json")) {
      throw new Refusal(
          415,
          null,
          "Content-Type is "
              + (type == null ? "missing" : "'" + type + "'")
              + "; send application/json with base64 'image' and 'audio' fields");
    }
    JsonNode json = parse(readBody(ex));
    String camera = optionalText(json, "camera", "http");
    long frameTsUs = optionalTime(json, "frameTsUs", receivedAtUs);
    byte[] image = base64(json, "image");
    ImageFormat format = ImageFormat.sniff(image);
    if (format == null) {
      throw new Refusal(
          400,
          "image",
          "field 'image' ("
              + image.length
              + " bytes) is neither a JPEG nor a PNG; send the encoded file, base64");
    }
    try {
      // The streams app's ingest rule: header dimensions against the image limits, no decode.
      MediaValidator.checkImage(image);
    } catch (InvalidMediaException e) {
      throw new Refusal(
          e.reason() == InvalidMediaException.Reason.IMAGE_TOO_LARGE ? 413 : 400,
          "image",
          "field 'image': " + e.getMessage());
    }
    float[] window = audioWindow(base64(json, "audio"));
    long windowUs = window.length * 1_000_000L / AvPair.SAMPLE_RATE;
    long startUs = frameTsUs - windowUs / 2;
    AvPair pair =
        new AvPair(
            camera,
            new VideoFrame(frameTsUs, format, image),
            window,
            startUs,
            startUs + windowUs,
            false,
            receivedAtUs,
            wallClockUs.getAsLong());
    Outcome outcome = await(pair);
    if (outcome.isRejected()) {
      throw new Refusal(
          400,
          "image",
          "field 'image' does not decode: "
              + (outcome.rejection().getCause() == null
                  ? outcome.rejection().getMessage()
                  : outcome.rejection().getCause().getMessage()));
    }
    return outcome.event();
  }

  private byte[] readBody(HttpExchange ex) throws Refusal {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    InputStream in = ex.getRequestBody(); // not closed here: handle() drains what is left
    try {
      if (length != null) {
        long declared;
        try {
          declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
          throw new Refusal(400, null, "Content-Length '" + length + "' is not a number");
        }
        if (declared > config.maxRequestBytes()) {
          throw tooLarge();
        }
      }
      byte[] body = in.readNBytes(config.maxRequestBytes() + 1);
      if (body.length > config.maxRequestBytes()) {
        throw tooLarge();
      }
      return body;
    } catch (IOException e) {
      throw new Refusal(400, null, "cannot read the request body: " + e.getMessage());
    }
  }

  private Refusal tooLarge() {
    return new Refusal(
        413,
        null,
        "request body is over the limit of "
            + config.maxRequestBytes()
            + " bytes; send a smaller image or a shorter clip");
  }

  private static JsonNode parse(byte[] body) throws Refusal {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Refusal(400, null, "body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Refusal(400, null, "body is not valid JSON: " + e.getMessage());
    }
    if (json == null || !json.isObject()) {
      throw new Refusal(
          400, null, "body must be a JSON object with base64 'image' and 'audio' fields");
    }
    return json;
  }

  private static String optionalText(JsonNode json, String field, String absent) throws Refusal {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new Refusal(400, field, "field '" + field + "' must be a non-empty string");
    }
    return v.asText();
  }

  private static long optionalTime(JsonNode json, String field, long absent) throws Refusal {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new Refusal(
          400, field, "field '" + field + "' must be a non-negative integer (µs since the epoch)");
    }
    return v.asLong();
  }

  private static byte[] base64(JsonNode json, String field) throws Refusal {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      throw new Refusal(400, field, "field '" + field + "' is missing; send the file, base64");
    }
    if (!v.isTextual()) {
      throw new Refusal(400, field, "field '" + field + "' must be a base64 string");
    }
    byte[] bytes;
    try {
      // Line breaks (base64 without -w0) are harmless; anything else not base64 is an error.
      bytes = Base64.getDecoder().decode(v.asText().replaceAll("[\\r\\n\\t ]", ""));
    } catch (IllegalArgumentException e) {
      throw new Refusal(400, field, "field '" + field + "' is not valid base64: " + e.getMessage());
    }
    if (bytes.length == 0) {
      throw new Refusal(400, field, "field '" + field + "' is empty");
    }
    return bytes;
  }

  /** Decodes, mixes to mono, resamples to 16 kHz and cuts the centred window. */
  private float[] audioWindow(byte[] file) throws Refusal {
    AudioClip clip;
    try {
      clip = AudioDecoder.decode(file, Path.of("audio"));
    } catch (AudioDecodeException e) {
      throw new Refusal(400, "audio", "field 'audio': " + e.getMessage());
    }
    if (clip.sampleRate() < Resampler.MIN_RATE || clip.sampleRate() > Resampler.MAX_RATE) {
      throw new Refusal(
          400,
          "audio",
          "field 'audio' is sampled at "
              + clip.sampleRate()
              + " Hz; send "
              + Resampler.MIN_RATE
              + " to "
              + Resampler.MAX_RATE
              + " Hz audio");
    }
    AudioClip at16k = Resampler.toRate(clip, AvPair.SAMPLE_RATE);
    if (at16k.length() < windowSamples) {
      throw new Refusal(
          400,
          "audio",
          String.format(
              Locale.ROOT,
              "field 'audio' holds %.2f s of audio; the model needs at least %.2f s (its window)",
              clip.durationSeconds(),
              windowSamples / (double) AvPair.SAMPLE_RATE));
    }
    return AudioWindows.centered(at16k, windowSamples / (double) AvPair.SAMPLE_RATE).samples();
  }

  private Outcome await(AvPair pair) throws Refusal {
    long timeoutMs = config.requestTimeout().toMillis();
    try {
      // The deadline covers the wait in the queue; the batch itself may take a little longer.
      return batcher
          .submit(pair, config.requestTimeout())
          .get(timeoutMs + 30_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RejectedException r) {
        throw new Refusal(503, null, "the server is busy: " + r.getMessage() + "; retry later");
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new Refusal(503, null, "the server is busy: no result in time; retry later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refusal(503, null, "the server is shutting down");
    }
  }

  private static byte[] error(String message, String field) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("error", message);
    if (field != null) {
      node.put("field", field);
    }
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
