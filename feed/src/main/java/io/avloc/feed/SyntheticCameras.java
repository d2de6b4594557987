package io.avloc.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs synthetic cameras in-process, e.g. for {@code avloc demo}:
 *
 * <pre>{@code
 * try (FeedPublisher cameras =
 *     SyntheticCameras.start(Map.of("bootstrap.servers", bootstrap), 2, 42L)) {
 *   ... // cameras cam-1 and cam-2 publish to avloc.frames / avloc.audio in real time
 *   cameras.stats(); // frames, chunks, errors
 * }
 * }</pre>
 *
 * or, with every option:
 *
 * <pre>{@code
 * FeedPublisher cameras = SyntheticCameras.builder()
 *     .cameras(4).seed(7).cameraIdPrefix("synth")
 *     .feed(FeedSettings.defaults().withFps(10).withDuration(Duration.ofMinutes(1)))
 *     .scene(SyntheticSettings.defaults().withOffscreenShare(0.2))
 *     .publish(FeedPublisher.Settings.defaults().withTopics("f", "a"))
 *     .start(Map.of("bootstrap.servers", bootstrap));
 * }</pre>
 *
 * Camera {@code i} (from 1) is called {@code <prefix>-<i>} and films {@code new
 * SyntheticScene(assets, scene, seed, i)}; frames carry {@link
 * io.avloc.core.media.GroundTruthHeaders}.
 */
public final class SyntheticCameras {

  /** Camera id prefix unless told otherwise. */
  public static final String DEFAULT_PREFIX = "cam";

  private int cameras = 1;
  private long seed = 42;
  private String prefix = DEFAULT_PREFIX;
  private FeedSettings feed = FeedSettings.defaults();
  private SyntheticSettings scene = SyntheticSettings.defaults();
  private FeedPublisher.Settings publish = FeedPublisher.Settings.defaults();
  private SyntheticAssets assets;
  private Long startUs;

  private SyntheticCameras() {}

  /** A builder with one camera, seed 42, the bundled assets and every default. */
  public static SyntheticCameras builder() {
    return new SyntheticCameras();
  }

  /**
   * Starts {@code cameras} real-time synthetic cameras ({@code cam-1}...) that publish to {@code
   * avloc.frames} and {@code avloc.audio} until closed.
   *
   * @param producerConfig Kafka producer settings; at least {@code bootstrap.servers}
   */
  public static FeedPublisher start(Map<String, ?> producerConfig, int cameras, long seed) {
    return builder().cameras(cameras).seed(seed).start(producerConfig);
  }

  public SyntheticCameras cameras(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("at least one camera: " + n);
    }
    this.cameras = n;
    return this;
  }

  public SyntheticCameras seed(long s) {
    this.seed = s;
    return this;
  }

  public SyntheticCameras cameraIdPrefix(String p) {
    if (p == null || p.isBlank()) {
      throw new IllegalArgumentException("camera id prefix must not be blank");
    }
    this.prefix = p;
    return this;
  }

  public SyntheticCameras feed(FeedSettings f) {
    this.feed = Objects.requireNonNull(f, "feed");
    return this;
  }

  public SyntheticCameras scene(SyntheticSettings s) {
    this.scene = Objects.requireNonNull(s, "scene");
    return this;
  }

  public SyntheticCameras publish(FeedPublisher.Settings p) {
    this.publish = Objects.requireNonNull(p, "publish");
    return this;
  }

  /** Real time (default) or as fast as possible. */
  public SyntheticCameras realTime(boolean rt) {
    this.publish = publish.withRealTime(rt);
    return this;
  }

  /** Progress lines every {@code every} to {@code sink}. */
  public SyntheticCameras progress(Duration every, Consumer<String> sink) {
    this.publish = publish.withProgress(every, sink);
    return this;
  }

  /** Pictures and sounds (default: {@link SyntheticAssets#bundled()}). */
  public SyntheticCameras assets(SyntheticAssets a) {
    this.assets = Objects.requireNonNull(a, "assets");
    return this;
  }

  /** Epoch µs of media time zero (default: now). */
  public SyntheticCameras startUs(long us) {
    this.startUs = us;
    return this;
  }

  /** The cameras, not started: for tests and for custom publishing. */
  public List<SyntheticCamera> build() {
    SyntheticAssets a = assets != null ? assets : SyntheticAssets.bundled();
    List<SyntheticScene> scenes = new ArrayList<>();
    for (int i = 1; i <= cameras; i++) {
      scenes.add(new SyntheticScene(a, scene, seed, i));
    }
    // media time zero is now, after the (slow) loading, so real-time pacing starts without a burst
    long start = startUs != null ? startUs : nowUs();
    List<SyntheticCamera> out = new ArrayList<>();
    for (int i = 1; i <= cameras; i++) {
      out.add(
          new SyntheticCamera(
              prefix + "-" + i, start, scenes.get(i - 1), feed, scene.jpegQuality()));
    }
    return out;
  }

  /** Builds the cameras and starts publishing them. */
  public FeedPublisher start(Map<String, ?> producerConfig) {
    return FeedPublisher.start(producerConfig, publish, build());
  }

  static long nowUs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }
}
