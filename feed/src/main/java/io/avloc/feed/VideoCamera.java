package io.avloc.feed;

import io.avloc.core.audio.AudioPreprocessor;
import io.avloc.core.media.AudioChunk;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.media.VideoFrame;
import java.awt.image.BufferedImage;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * A camera fed by FFmpeg through JavaCV's {@link FFmpegFrameGrabber}: a video file (MP4, MKV, ...
 * anything FFmpeg reads) or a live RTSP stream. Both use the same code; only the opening options
 * and the pacing differ.
 *
 * <ul>
 *   <li>Video frames are decoded and re-encoded as JPEG. Their timestamps are the feed's start plus
 *       the frame's presentation time (relative to the container's start time), forced to increase
 *       strictly. With {@link FeedSettings#fps()} above 0, frames are dropped so that at most that
 *       many per second are published.
 *   <li>Audio is decoded and converted by FFmpeg (libswresample) to <b>16 kHz mono s16le</b>, then
 *       cut into chunks of {@link FeedSettings#chunkMs()}. The first chunk starts at the
 *       presentation time of the first audio frame; later chunks follow contiguously by sample
 *       count, so the audio timeline has no gaps or overlaps. The last partial chunk is published
 *       at the end of a file.
 *   <li>A file is paced in real time by the {@link FeedPublisher} (or sent as fast as possible) and
 *       can {@link FeedSettings#loop() loop}: each pass starts where the previous one ended (audio
 *       padded with silence to the end of the video), so timestamps keep increasing.
 *   <li>An RTSP stream is {@link #live() live}: items are published as they arrive, over TCP, with
 *       a 10 s socket timeout. It is not re-opened when it drops; the feed then fails.
 * </ul>
 */
public final class VideoCamera implements CameraFeed {

  private static final int RATE = AudioPreprocessor.SAMPLE_RATE;

  /** FFmpeg's AV_NOPTS_VALUE (INT64_MIN): no time known. */
  private static final long NO_PTS = Long.MIN_VALUE;

  private final String cameraId;
  private final long startUs;
  private final String source;
  private final boolean live;
  private final boolean loop;
  private final int fpsCap;
  private final long limitUs;
  private final int chunkSamples;
  private final FFmpegFrameGrabber grabber;
  private final Java2DFrameConverter converter = new Java2DFrameConverter();
  private final JpegEncoder jpeg = new JpegEncoder(0.9f);
  private final ArrayDeque<FeedItem> pending = new ArrayDeque<>();
  private final boolean hasVideo;
  private final boolean hasAudio;

  private long origin = Long.MIN_VALUE;
  private long passOffsetUs;
  private long lastFrameTsUs = Long.MIN_VALUE;
  private long lastFrameMediaUs = -1;
  private long frameIntervalUs = 40_000;
  private long lastSlot = -1;
  private boolean videoDone;
  private boolean audioDone;
  private boolean ended;
  private long passItems;
  private long audioStartMediaUs = -1;
  private long audioSamples;
  private long emittedSamples;
  private short[] buffer = new short[1 << 14];
  private int buffered;

  private VideoCamera(
      String cameraId,
      long startUs,
      String source,
      boolean live,
      FFmpegFrameGrabber grabber,
      FeedSettings settings) {
    this.cameraId = Objects.requireNonNull(cameraId, "cameraId");
    this.startUs = startUs;
    this.source = source;
    this.live = live;
    this.loop = settings.loop() && !live;
    this.fpsCap = settings.fps();
    this.limitUs = settings.limitUs();
    this.chunkSamples = settings.chunkSamples(RATE);
    this.grabber = grabber;
    this.hasVideo = grabber.hasVideo();
    this.hasAudio = grabber.hasAudio();
    double rate = grabber.getFrameRate();
    if (rate > 0 && rate < 1000) {
      frameIntervalUs = Math.round(1e6 / rate);
    }
    videoDone = !hasVideo;
    audioDone = !hasAudio;
    origin = containerStart();
  }

  /**
   * Opens a video file.
   *
   * @throws FeedException if the file is missing or FFmpeg cannot open it or finds no video stream
   */
  public static VideoCamera openFile(
      String cameraId, long startUs, Path file, FeedSettings settings) {
    if (!Files.isRegularFile(file)) {
      throw new FeedException("video file " + file + " does not exist or is not a file");
    }
    if (!Files.isReadable(file)) {
      throw new FeedException("video file " + file + " is not readable");
    }
    FFmpegFrameGrabber g = grabber(file.toAbsolutePath().toString());
    start(g, "video file " + file);
    return checked(new VideoCamera(cameraId, startUs, file.toString(), false, g, settings));
  }

  /**
   * Connects to an RTSP stream (TCP transport, 10 s timeout).
   *
   * @param startUs epoch µs of media time zero, normally the time of connection
   * @throws FeedException if the stream cannot be opened
   */
  public static VideoCamera openRtsp(
      String cameraId, long startUs, String url, FeedSettings settings) {
    FFmpegFrameGrabber g = grabber(url);
    g.setFormat("rtsp");
    g.setOption("rtsp_transport", "tcp");
    g.setOption("timeout", "10000000");
    start(g, "RTSP stream " + url);
    return checked(new VideoCamera(cameraId, startUs, url, true, g, settings));
  }

  /**
   * Loads the FFmpeg native libraries now (they load on first use otherwise, which takes a moment):
   * call it before taking the start time of real-time feeds.
   *
   * @throws FeedException if the natives do not load on this platform
   */
  public static void loadNatives() {
    try {
      FFmpegFrameGrabber.tryLoad();
    } catch (FrameGrabber.Exception | RuntimeException | LinkageError e) {
      throw new FeedException(
          "cannot load FFmpeg (JavaCV) for this platform: " + FeedPublisher.message(e), e);
    }
  }

  private static FFmpegFrameGrabber grabber(String source) {
    loadNatives();
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(source);
    g.setSampleRate(RATE);
    g.setAudioChannels(1);
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
    g.setSampleMode(FrameGrabber.SampleMode.SHORT);
    g.setImageMode(FrameGrabber.ImageMode.COLOR);
    return g;
  }

  private static void start(FFmpegFrameGrabber g, String what) {
    try {
      g.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      closeQuietly(g);
      throw new FeedException("cannot open " + what + ": " + FeedPublisher.message(e), e);
    }
  }

  private static VideoCamera checked(VideoCamera c) {
    if (!c.hasVideo) {
      c.close();
      throw new FeedException(c.source + " has no video stream");
    }
    return c;
  }

  private static void closeQuietly(FFmpegFrameGrabber g) {
    try {
      g.close();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // nothing more to do
    }
  }

  @Override
  public String cameraId() {
    return cameraId;
  }

  @Override
  public long startUs() {
    return startUs;
  }

  @Override
  public boolean live() {
    return live;
  }

  /** Whether the source has an audio stream (without one, only frames are published). */
  public boolean hasAudio() {
    return hasAudio;
  }

  @Override
  public FeedItem next() {
    while (pending.isEmpty()) {
      if (ended || (videoDone && audioDone)) {
        ended = true;
        return null;
      }
      grabOne();
    }
    return pending.poll();
  }

  private void grabOne() {
    Frame f;
    try {
      f = grabber.grab();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new FeedException("cannot decode " + source + ": " + FeedPublisher.message(e), e);
    }
    if (f == null) {
      endOfPass();
      return;
    }
    if (origin == Long.MIN_VALUE) {
      origin = f.timestamp;
    }
    long mediaUs = passOffsetUs + Math.max(0, f.timestamp - origin);
    if (f.image != null) {
      passItems++;
      video(f, mediaUs);
    } else if (f.samples != null && f.samples.length > 0) {
      passItems++;
      audio(f, mediaUs);
    }
  }

  private void video(Frame f, long mediaUs) {
    lastFrameMediaUs = Math.max(lastFrameMediaUs, mediaUs);
    if (videoDone) {
      return;
    }
    if (mediaUs >= limitUs) {
      videoDone = true;
      return;
    }
    if (fpsCap > 0) {
      long slot = mediaUs * fpsCap / 1_000_000L;
      if (slot <= lastSlot) {
        return;
      }
      lastSlot = slot;
    }
    BufferedImage img = converter.getBufferedImage(f);
    if (img == null) {
      return;
    }
    long ts = startUs + mediaUs;
    if (ts <= lastFrameTsUs) {
      ts = lastFrameTsUs + 1;
    }
    lastFrameTsUs = ts;
    pending.add(new FeedItem.Frame(new VideoFrame(ts, ImageFormat.JPEG, jpeg.encode(img))));
  }

  private void audio(Frame f, long mediaUs) {
    if (!(f.samples[0] instanceof ShortBuffer sb)) {
      throw new FeedException(
          source
              + ": FFmpeg returned audio as "
              + f.samples[0].getClass().getSimpleName()
              + ", not 16-bit");
    }
    if (audioStartMediaUs < 0) {
      audioStartMediaUs = mediaUs;
    }
    int n = sb.remaining() / Math.max(1, f.audioChannels);
    if (n <= 0 || audioDone) {
      audioSamples += Math.max(0, n);
      return;
    }
    ensure(buffered + n);
    if (f.audioChannels <= 1) {
      sb.get(sb.position(), buffer, buffered, n);
    } else {
      for (int i = 0; i < n; i++) {
        int sum = 0;
        for (int c = 0; c < f.audioChannels; c++) {
          sum += sb.get(sb.position() + i * f.audioChannels + c);
        }
        buffer[buffered + i] = (short) (sum / f.audioChannels);
      }
    }
    buffered += n;
    audioSamples += n;
    emitChunks(false);
  }

  private void ensure(int capacity) {
    if (capacity > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(capacity, buffer.length * 2));
    }
  }

  /** Publishes every whole chunk in the buffer, and the rest too when {@code all}. */
  private void emitChunks(boolean all) {
    int at = 0;
    while (!audioDone && (buffered - at >= chunkSamples || (all && buffered - at > 0))) {
      int n = Math.min(chunkSamples, buffered - at);
      long offset = audioStartMediaUs + emittedSamples * 1_000_000L / RATE;
      if (offset >= limitUs) {
        audioDone = true;
        break;
      }
      byte[] pcm = new byte[2 * n];
      for (int i = 0; i < n; i++) {
        short s = buffer[at + i];
        pcm[2 * i] = (byte) s;
        pcm[2 * i + 1] = (byte) (s >> 8);
      }
      pending.add(new FeedItem.Audio(new AudioChunk(startUs + offset, RATE, 1, pcm)));
      emittedSamples += n;
      at += n;
    }
    if (audioDone) {
      buffered = 0;
    } else if (at > 0) {
      System.arraycopy(buffer, at, buffer, 0, buffered - at);
      buffered -= at;
    }
  }

  private void endOfPass() {
    if (!loop || passItems == 0) {
      emitChunks(true);
      ended = true;
      return;
    }
    long videoEnd = lastFrameMediaUs < 0 ? 0 : lastFrameMediaUs + frameIntervalUs;
    long audioEnd =
        audioStartMediaUs < 0 ? 0 : audioStartMediaUs + audioSamples * 1_000_000L / RATE;
    long next = Math.max(videoEnd, audioEnd);
    if (audioStartMediaUs >= 0 && !audioDone) {
      long pad = (next - audioEnd) * RATE / 1_000_000L;
      if (pad > 0) {
        ensure(buffered + (int) pad);
        Arrays.fill(buffer, buffered, buffered + (int) pad, (short) 0);
        buffered += (int) pad;
        audioSamples += pad;
        emitChunks(false);
      }
    }
    passOffsetUs = next;
    passItems = 0;
    try {
      grabber.stop();
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new FeedException("cannot restart " + source + ": " + FeedPublisher.message(e), e);
    }
    origin = containerStart();
  }

  private long containerStart() {
    AVFormatContext oc = grabber.getFormatContext();
    long start = oc == null ? NO_PTS : oc.start_time();
    return start == NO_PTS ? Long.MIN_VALUE : start;
  }

  @Override
  public void close() {
    closeQuietly(grabber);
    converter.close();
    jpeg.close();
  }
}
