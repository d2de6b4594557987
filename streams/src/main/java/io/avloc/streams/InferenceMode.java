package io.avloc.streams;

import java.util.Locale;

/** Where the streams application's pairs are localized ({@code avloc.inference.mode}). */
public enum InferenceMode {
  /** In the stream threads, on a model loaded in-process (the default). */
  EMBEDDED,
  /**
   * By {@code avloc serve} model servers: the application writes each pair to {@code
   * avloc.topic.pairs} and loads no model.
   */
  DISTRIBUTED;

  /** The mode of {@code settings}. */
  public static InferenceMode of(StreamsSettings settings) {
    String v = settings.get(StreamsSettings.INFERENCE_MODE_CONFIG).trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "embedded" -> EMBEDDED;
      case "distributed" -> DISTRIBUTED;
      default ->
          throw new IllegalArgumentException(
              "avloc.inference.mode must be embedded or distributed, got '"
                  + settings.get(StreamsSettings.INFERENCE_MODE_CONFIG)
                  + "'");
    };
  }
}
