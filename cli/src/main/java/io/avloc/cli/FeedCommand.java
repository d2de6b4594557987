package io.avloc.cli;

import io.avloc.core.kafka.KafkaClientSettings;
import io.avloc.core.kafka.KafkaUnavailableException;
import io.avloc.core.media.AvlocTopics;
import io.avloc.feed.CameraFeed;
import io.avloc.feed.FeedException;
import io.avloc.feed.FeedPublisher;
import io.avloc.feed.FeedSettings;
import io.avloc.feed.FeedStats;
import io.avloc.feed.SlideshowCamera;
import io.avloc.feed.SyntheticAssets;
import io.avloc.feed.SyntheticCamera;
import io.avloc.feed.SyntheticCameras;
import io.avloc.feed.SyntheticSettings;
import io.avloc.feed.VideoCamera;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avloc feed}: publishes camera frames and audio to Kafka with correct timestamps. */
@Command(
    name = "feed",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Publishes camera frames and audio to the avloc media topics.",
    description =
        "Publishes frames (JPEG) and audio (16 kHz mono PCM s16le) of one or more "
            + "cameras to the avloc media topics, keyed by camera id, with the contract's "
            + "headers. Sources: --synthetic scenes with ground truth, --images DIR --audio "
            + "FILE, --video FILE, or --rtsp URL. Cameras are named <camera-id>-1, "
            + "<camera-id>-2, ... Runs in real time until --duration or Ctrl-C (which flushes "
            + "what was sent); --as-fast-as-possible publishes without waiting.")
final class FeedCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Source (exactly one):%n")
  Source source;

  static final class Source {
    @Option(
        names = "--synthetic",
        description =
            "synthetic cameras: moving objects over photos, one of them sounding;"
                + " frames carry gt-class, gt-boxes and gt-onscreen headers")
    boolean synthetic;

    @ArgGroup(exclusive = false)
    Slideshow slideshow;

    @Option(names = "--video", paramLabel = "FILE", description = "a video file (MP4, MKV, ...)")
    Path video;

    @Option(names = "--rtsp", paramLabel = "URL", description = "a live RTSP stream")
    String rtsp;
  }

  static final class Slideshow {
    @Option(
        names = "--images",
        required = true,
        paramLabel = "DIR",
        description = "a folder of JPEG/PNG images, shown sorted by name at --fps")
    Path images;

    @Option(
        names = "--audio",
        required = true,
        paramLabel = "FILE",
        description = "the slideshow's sound (WAV or OGG, any rate; resampled to 16 kHz mono)")
    Path audio;
  }

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--frames-topic",
      defaultValue = AvlocTopics.FRAMES,
      description = "topic for frames (default: ${DEFAULT-VALUE})")
  String framesTopic;

  @Option(
      names = "--audio-topic",
      defaultValue = AvlocTopics.AUDIO,
      description = "topic for audio chunks (default: ${DEFAULT-VALUE})")
  String audioTopic;

  @Option(
      names = "--cameras",
      defaultValue = "1",
      paramLabel = "N",
      description = "number of cameras; file and stream sources are replayed by each (default: 1)")
  int cameras;

  @Option(
      names = "--camera-id",
      defaultValue = SyntheticCameras.DEFAULT_PREFIX,
      paramLabel = "PREFIX",
      description = "camera ids are PREFIX-1, PREFIX-2, ... (default: ${DEFAULT-VALUE})")
  String cameraId;

  @Option(
      names = "--fps",
      paramLabel = "N",
      description =
          "frames per second (default: 25 for --synthetic and --images;"
              + " for --video/--rtsp the source's rate, and N caps it)")
  Integer fps;

  @Option(
      names = "--chunk-ms",
      defaultValue = "100",
      paramLabel = "MS",
      description = "audio chunk length in milliseconds (default: ${DEFAULT-VALUE})")
  int chunkMs;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description =
          "media time to publish per camera, e.g. 30s, 2m, 1h, 500ms"
              + " (default: until Ctrl-C, or the end of a file)")
  Duration duration;

  @Option(
      names = "--as-fast-as-possible",
      description = "do not wait for each item's timestamp (the timestamps stay the same)")
  boolean asFastAsPossible;

  @Option(
      names = "--loop",
      description = "start --images or --video over at the end, with increasing timestamps")
  boolean loop;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description =
          "--synthetic: scenario seed; same seed, same scenes (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--size",
      defaultValue = "320x240",
      paramLabel = "WxH",
      description = "--synthetic: frame size (default: ${DEFAULT-VALUE})")
  String size;

  @Option(
      names = "--offscreen-share",
      defaultValue = "0.15",
      paramLabel = "P",
      description = "--synthetic: share of time the sound comes from off-screen (default: 0.15)")
  double offscreenShare;

  @Option(
      names = "--assets",
      paramLabel = "DIR",
      description =
          "--synthetic: pictures and sounds to use instead of the bundled set"
              + " (layout: see assets/README.md)")
  Path assets;

  @Option(
      names = "--progress",
      defaultValue = "5s",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "how often to print progress to stderr (default: ${DEFAULT-VALUE})")
  Duration progress;

  @Option(
      names = "--connect-timeout",
      defaultValue = "10s",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "how long to wait for the broker at start-up (default: ${DEFAULT-VALUE})")
  Duration connectTimeout;

  @Option(
      names = "--producer",
      paramLabel = "KEY=VALUE",
      description =
          "extra Kafka producer setting, repeatable (e.g. --producer compression.type=lz4);"
              + " the same as --set producer.KEY=VALUE")
  Map<String, String> producerProps = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    FeedSettings settings = settings();
    SyntheticSettings scene = source.synthetic ? scene() : null;
    checkPaths();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KafkaClientSettings clients = clients();
    checkKafka(clients);

    List<CameraFeed> feeds = openFeeds(settings, scene);
    err.println("avloc feed: " + describe(feeds, settings, clients.bootstrap()));
    for (CameraFeed f : feeds) {
      if (f instanceof SyntheticCamera s) {
        err.println("  " + f.cameraId() + ": objects " + s.scene().objectClasses());
      } else if (f instanceof VideoCamera v && !v.hasAudio()) {
        err.println("  " + f.cameraId() + ": the source has no audio; publishing frames only");
      }
    }
    err.flush();

    Map<String, Object> config =
        FeedPublisher.producerConfig(
            clients.bootstrap(), clients.forClient(KafkaClientSettings.Client.PRODUCER));
    FeedPublisher.Settings publish =
        new FeedPublisher.Settings(
            framesTopic,
            audioTopic,
            !asFastAsPossible,
            progress,
            line -> {
              err.println(line);
              err.flush();
            });
    FeedPublisher publisher = FeedPublisher.start(config, publish, feeds);
    AtomicBoolean reported = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              err.println("avloc feed: stopping");
              err.flush();
              publisher.close();
              report(publisher, out, reported);
            },
            "avloc-feed-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      publisher.await();
    } finally {
      publisher.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down; the hook reports
      }
    }
    FeedStats stats = report(publisher, out, reported);
    if (!publisher.failures().isEmpty()) {
      throw new FeedException(publisher.failures().get(0));
    }
    if (stats.errors() > 0) {
      throw new FeedException(stats.errors() + " records failed, first: " + stats.firstError());
    }
    return 0;
  }

  private static FeedStats report(FeedPublisher p, PrintWriter out, AtomicBoolean reported) {
    FeedStats s = p.stats();
    if (reported.compareAndSet(false, true)) {
      out.println("feed done: " + s.summary());
      out.flush();
    }
    return s;
  }

  private FeedSettings settings() {
    if (cameras < 1 || cameras > 1024) {
      throw usage("--cameras must be between 1 and 1024, got " + cameras);
    }
    if (cameraId.isBlank()) {
      throw usage("--camera-id must not be blank");
    }
    boolean fileOrStream = source.video != null || source.rtsp != null;
    int rate = fps != null ? fps : fileOrStream ? 0 : FeedSettings.DEFAULT_FPS;
    if (fps != null && (fps < 1 || fps > FeedSettings.MAX_FPS)) {
      throw usage("--fps must be between 1 and " + FeedSettings.MAX_FPS + ", got " + fps);
    }
    if (chunkMs < FeedSettings.MIN_CHUNK_MS || chunkMs > FeedSettings.MAX_CHUNK_MS) {
      throw usage(
          "--chunk-ms must be between "
              + FeedSettings.MIN_CHUNK_MS
              + " and "
              + FeedSettings.MAX_CHUNK_MS
              + ", got "
              + chunkMs);
    }
    if (loop && (source.synthetic || source.rtsp != null)) {
      throw usage("--loop applies to --images and --video only");
    }
    for (String opt : List.of("--seed", "--size", "--offscreen-share", "--assets")) {
      if (!source.synthetic && spec.commandLine().getParseResult().hasMatchedOption(opt)) {
        throw usage(opt + " applies to --synthetic only");
      }
    }
    return new FeedSettings(rate, chunkMs, duration, loop);
  }

  private SyntheticSettings scene() {
    Matcher m = Pattern.compile("(\\d{1,4})x(\\d{1,4})").matcher(size.trim());
    if (!m.matches()) {
      throw usage("--size must look like 320x240, got '" + size + "'");
    }
    int w = Integer.parseInt(m.group(1));
    int h = Integer.parseInt(m.group(2));
    if (w < 32 || h < 32 || w > 4096 || h > 4096) {
      throw usage("--size must be between 32x32 and 4096x4096, got " + size);
    }
    if (!(offscreenShare >= 0 && offscreenShare <= 1)) {
      throw usage("--offscreen-share must be between 0 and 1, got " + offscreenShare);
    }
    return SyntheticSettings.defaults().withSize(w, h).withOffscreenShare(offscreenShare);
  }

  private void checkPaths() {
    if (source.slideshow != null) {
      if (!Files.isDirectory(source.slideshow.images)) {
        throw usage("--images: folder " + source.slideshow.images + " does not exist");
      }
      if (!Files.isRegularFile(source.slideshow.audio)) {
        throw usage("--audio: file " + source.slideshow.audio + " does not exist");
      }
    }
    if (source.video != null && !Files.isRegularFile(source.video)) {
      throw usage("--video: file " + source.video + " does not exist");
    }
    if (assets != null && !Files.isDirectory(assets)) {
      throw usage("--assets: folder " + assets + " does not exist");
    }
    if (source.rtsp != null && !source.rtsp.matches("(?i)rtsps?://.+")) {
      throw usage("--rtsp needs an rtsp:// URL, got '" + source.rtsp + "'");
    }
  }

  /** The client settings of every Kafka client here; --producer keys go to the producer. */
  private KafkaClientSettings clients() {
    Map<String, String> producerOnly = new LinkedHashMap<>();
    producerProps.forEach(
        (k, v) -> producerOnly.put(KafkaClientSettings.Client.PRODUCER.prefix() + k, v));
    try {
      return kafka.settings().with(producerOnly);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** Fails fast, with one line saying why, when no broker answers. */
  private void checkKafka(KafkaClientSettings clients) {
    Map<String, Object> conf = clients.forClient(KafkaClientSettings.Client.ADMIN);
    conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "avloc-feed-check");
    try {
      KafkaClientSettings.requireBroker(conf, connectTimeout);
    } catch (KafkaUnavailableException e) {
      throw new FeedException(e.getMessage());
    }
  }

  private List<CameraFeed> openFeeds(FeedSettings settings, SyntheticSettings scene) {
    if (source.synthetic) {
      SyntheticAssets set =
          assets == null ? SyntheticAssets.bundled() : SyntheticAssets.fromDirectory(assets);
      return new ArrayList<>(
          SyntheticCameras.builder()
              .cameras(cameras)
              .seed(seed)
              .cameraIdPrefix(cameraId)
              .feed(settings)
              .scene(scene)
              .assets(set)
              .build());
    }
    if (source.slideshow == null) {
      VideoCamera.loadNatives();
    }
    // media time zero: now, once the slow one-off loading is done
    long startUs = nowUs();
    List<CameraFeed> feeds = new ArrayList<>();
    try {
      for (int i = 1; i <= cameras; i++) {
        String id = cameraId + "-" + i;
        if (source.slideshow != null) {
          feeds.add(
              SlideshowCamera.open(
                  id, startUs, source.slideshow.images, source.slideshow.audio, settings));
        } else if (source.video != null) {
          feeds.add(VideoCamera.openFile(id, startUs, source.video, settings));
        } else {
          feeds.add(VideoCamera.openRtsp(id, nowUs(), source.rtsp, settings));
        }
      }
    } catch (RuntimeException e) {
      feeds.forEach(CameraFeed::close);
      throw e;
    }
    return feeds;
  }

  private String describe(List<CameraFeed> feeds, FeedSettings settings, String bootstrap) {
    String kind =
        source.synthetic
            ? "synthetic"
            : source.slideshow != null
                ? "slideshow (" + source.slideshow.images + ")"
                : source.video != null
                    ? "video (" + source.video + ")"
                    : "RTSP (" + source.rtsp + ")";
    return String.format(
        Locale.ROOT,
        "%d %s camera%s (%s) to %s [%s, %s]; %s, %d ms audio chunks at 16 kHz, %s%s",
        feeds.size(),
        kind,
        feeds.size() == 1 ? "" : "s",
        String.join(", ", feeds.stream().map(CameraFeed::cameraId).toList()),
        bootstrap,
        framesTopic,
        audioTopic,
        settings.fps() == 0 ? "source frame rate" : settings.fps() + " fps",
        settings.chunkMs(),
        asFastAsPossible ? "as fast as possible" : "real time",
        duration == null ? "; Ctrl-C to stop" : " for " + format(duration));
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static long nowUs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }
}
