package io.avloc.training.data;

import io.avloc.core.audio.Resampler;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a folder of video files ({@code .mp4}, {@code .mkv}, {@code .webm}, {@code .mov}; not
 * recursive) into training clips. For each video, FFmpeg (through JavaCV) extracts once, into the
 * cache folder:
 *
 * <pre>
 * cache/frames/&lt;stem&gt;.jpg    the video frame at the middle of the clip (JPEG, quality 0.95)
 * cache/audio/&lt;stem&gt;.wav     the whole audio track, 16-bit mono (FFmpeg's downmix), native rate
 * </pre>
 *
 * <p>The clips are unannotated {@link Sample}s over those two files, so the cache folder is itself
 * a {@link FolderDataset}. An extracted pair is reused while its modification time equals the
 * video's (the extractor stamps it so); a changed video is extracted again. Files are written under
 * a temporary name and moved into place, so an interrupted run leaves nothing half-written. Use one
 * cache folder per video folder: clips are named by file stem.
 *
 * <p>The middle frame is found by seeking to half the container's duration (or of the audio's, when
 * the container does not say); if that lands past the last frame, the first frame is taken.
 *
 * <p>A video that FFmpeg cannot open, or that has no video stream, no audio stream, no audio
 * samples or a sample rate outside {@value Resampler#MIN_RATE}–{@value Resampler#MAX_RATE} Hz is an
 * error naming the file; in <b>lenient</b> mode it is skipped with a warning instead. Failing to
 * write the cache is always an error.
 */
public final class VideoDataset {

  /** The format name, as {@link Datasets#open} takes it. */
  public static final String FORMAT = "video";

  /** Video file extensions read (case-insensitive). */
  public static final List<String> EXTENSIONS = List.of("mp4", "mkv", "webm", "mov");

  static final String LAYOUT = "a folder of video files (.mp4, .mkv, .webm, .mov) with sound";

  private static final Logger LOG = LoggerFactory.getLogger(VideoDataset.class);
  private static final float JPEG_QUALITY = 0.95f;
  private static final long PROGRESS_INTERVAL_NS = 10_000_000_000L;

  private VideoDataset() {}

  /** Reads the videos of {@code root}, failing on the first unusable one. */
  public static LoadedDataset read(Path root, Path cacheDir) {
    return read(root, cacheDir, false);
  }

  /**
   * Reads the videos of {@code root}, extracting what is not yet in {@code cacheDir}.
   *
   * @param lenient skip unusable videos with a warning instead of failing
   * @throws DatasetException if {@code root} holds no video, the cache cannot be written, no video
   *     is usable, or (unless lenient) one video is unusable
   */
  public static LoadedDataset read(Path root, Path cacheDir, boolean lenient) {
    MediaFolder.requireRoot(root, LAYOUT);
    MediaFolder videos = MediaFolder.scan(root, EXTENSIONS, LAYOUT);
    if (videos.byStem().isEmpty()) {
      throw new DatasetException("no video files in " + root + "; expected " + LAYOUT);
    }
    Path frames = cacheDir.resolve("frames");
    Path audio = cacheDir.resolve("audio");
    try {
      Files.createDirectories(frames);
      Files.createDirectories(audio);
    } catch (IOException e) {
      throw new DatasetException(
          "cannot create the video cache folder "
              + cacheDir
              + " ("
              + e
              + "); pass a writable cache folder",
          e);
    }
    List<Sample> samples = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    int extracted = 0;
    int total = videos.byStem().size();
    long lastLog = System.nanoTime();
    for (Map.Entry<String, Path> e : videos.byStem().entrySet()) {
      String id = e.getKey();
      Path video = e.getValue();
      Path jpg = frames.resolve(id + ".jpg");
      Path wav = audio.resolve(id + ".wav");
      try {
        FileTime stamp = Files.getLastModifiedTime(video);
        if (!upToDate(jpg, stamp) || !upToDate(wav, stamp)) {
          extract(video, jpg, wav, stamp);
          extracted++;
        }
      } catch (VideoProblem p) {
        if (!lenient) {
          throw new DatasetException(p.getMessage() + " (skip such files with lenient reading)");
        }
        skipped.add(video.getFileName() + " (" + p.getMessage() + ")");
        continue;
      } catch (IOException | UncheckedIOException x) {
        throw new DatasetException(
            "cannot write the extracted frame or audio of " + video + " to " + cacheDir + ": " + x,
            x);
      }
      samples.add(Sample.unannotated(id, jpg, wav));
      if (System.nanoTime() - lastLog > PROGRESS_INTERVAL_NS) {
        lastLog = System.nanoTime();
        LOG.info("{}: {}/{} videos ready", root, samples.size() + skipped.size(), total);
      }
    }
    if (samples.isEmpty()) {
      throw new DatasetException(
          "none of the "
              + total
              + " videos in "
              + root
              + " is usable: "
              + MediaFolder.names(skipped));
    }
    List<String> warnings = new ArrayList<>();
    if (!skipped.isEmpty()) {
      warnings.add(
          skipped.size()
              + " of "
              + total
              + " videos in "
              + root
              + " were skipped: "
              + MediaFolder.names(skipped));
    }
    String ignored = videos.ignoredWarning(EXTENSIONS);
    if (ignored != null) {
      warnings.add(ignored);
    }
    warnings.forEach(LOG::warn);
    LOG.info(
        "{}: {} video clips ({} extracted now, {} from the cache {})",
        root,
        samples.size(),
        extracted,
        samples.size() - extracted,
        cacheDir);
    return new LoadedDataset(root, FORMAT, samples, warnings);
  }

  /** Whether {@code file} exists and carries the video's time stamp (to the second). */
  private static boolean upToDate(Path file, FileTime stamp) throws IOException {
    return Files.isRegularFile(file)
        && Files.size(file) > 0
        && Math.abs(Files.getLastModifiedTime(file).toMillis() - stamp.toMillis()) < 1000;
  }

  private static void extract(Path video, Path jpg, Path wav, FileTime stamp)
      throws VideoProblem, IOException {
    LOG.debug("extracting the middle frame and the audio of {}", video);
    Path wavPart = wav.resolveSibling("." + wav.getFileName() + ".part");
    Path jpgPart = jpg.resolveSibling("." + jpg.getFileName() + ".part");
    try {
      long audioUs = writeAudio(video, wavPart);
      writeMiddleFrame(video, audioUs, jpgPart);
      moveIntoPlace(wavPart, wav);
      moveIntoPlace(jpgPart, jpg);
      Files.setLastModifiedTime(wav, stamp);
      Files.setLastModifiedTime(jpg, stamp);
    } finally {
      Files.deleteIfExists(wavPart);
      Files.deleteIfExists(jpgPart);
    }
  }

  private static void moveIntoPlace(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Decodes the whole audio track to 16-bit mono at its own rate into a WAV file.
   *
   * @return the audio's duration, µs
   */
  private static long writeAudio(Path video, Path wav) throws VideoProblem, IOException {
    FFmpegFrameGrabber grabber = open(video);
    try {
      if (!grabber.hasAudio()) {
        throw new VideoProblem(
            video + " has no audio stream; training needs the sound of every clip");
      }
      int rate = 0;
      long samples = 0;
      try (FileChannel out =
          FileChannel.open(
              wav,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        out.write(wavHeader(0, 0));
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        Frame f;
        while ((f = grabSamples(grabber, video)) != null) {
          if (f.samples == null || f.samples.length == 0) {
            continue;
          }
          if (!(f.samples[0] instanceof ShortBuffer pcm)) {
            throw new VideoProblem(
                video
                    + ": FFmpeg returned its audio as "
                    + f.samples[0].getClass().getSimpleName()
                    + ", not 16-bit samples");
          }
          if (rate == 0) {
            rate = f.sampleRate > 0 ? f.sampleRate : grabber.getSampleRate();
          }
          int channels = Math.max(1, f.audioChannels);
          int n = pcm.remaining() / channels;
          int at = pcm.position();
          for (int i = 0; i < n; i++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
              sum += pcm.get(at + i * channels + c);
            }
            if (buffer.remaining() < 2) {
              flush(buffer, out);
            }
            buffer.putShort((short) (sum / channels));
          }
          samples += n;
        }
        flush(buffer, out);
        if (samples == 0) {
          throw new VideoProblem(video + " has an audio stream without samples");
        }
        if (rate < Resampler.MIN_RATE || rate > Resampler.MAX_RATE) {
          throw new VideoProblem(
              video
                  + " has audio at "
                  + rate
                  + " Hz; avloc accepts "
                  + Resampler.MIN_RATE
                  + " to "
                  + Resampler.MAX_RATE
                  + " Hz: re-encode it, e.g. ffmpeg -i INPUT -ar 16000 OUTPUT");
        }
        if (samples * 2 > 0xFFFF_FFFFL - 36) {
          throw new VideoProblem(video + " has more audio than a WAV file holds (4 GiB)");
        }
        out.position(0);
        out.write(wavHeader(rate, samples));
      }
      return samples * 1_000_000L / rate;
    } finally {
      close(grabber);
    }
  }

  private static void flush(ByteBuffer buffer, FileChannel out) throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
    buffer.clear();
  }

  /** A 44-byte RIFF/WAVE header for 16-bit mono PCM. */
  private static ByteBuffer wavHeader(int rate, long samples) {
    int dataBytes = (int) (samples * 2);
    ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes);
    h.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    h.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    h.putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2);
    h.putShort((short) 2).putShort((short) 16);
    h.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    return h.flip();
  }

  private static void writeMiddleFrame(Path video, long audioUs, Path jpg)
      throws VideoProblem, IOException {
    FFmpegFrameGrabber grabber = open(video);
    try {
      if (!grabber.hasVideo()) {
        throw new VideoProblem(video + " has no video stream");
      }
      long length = grabber.getLengthInTime();
      long middle = (length > 0 ? length : audioUs) / 2;
      Frame f;
      try {
        if (middle > 0) {
          grabber.setVideoTimestamp(middle);
        }
        f = grabber.grabImage();
        if (f == null) {
          grabber.restart();
          f = grabber.grabImage();
        }
      } catch (FrameGrabber.Exception | RuntimeException e) {
        throw new VideoProblem("cannot decode the frames of " + video + ": " + e.getMessage());
      }
      if (f == null) {
        throw new VideoProblem(video + " has no decodable video frame");
      }
      writeJpeg(toImage(f, video), jpg);
    } finally {
      close(grabber);
    }
  }

  /**
   * Copies a BGR24 frame (the pixel format the grabber is asked for) into a {@code TYPE_3BYTE_BGR}
   * image, row by row. JavaCV derives {@code imageChannels} from the padded row stride, so it can
   * say 4 for a 3-channel frame whose rows are padded (e.g. 96 pixels wide); its own {@code
   * Java2DFrameConverter} then builds a 4-channel image with the wrong colours. The stride is
   * honoured here and the channel count taken from the format.
   */
  private static BufferedImage toImage(Frame f, Path video) throws VideoProblem {
    int w = f.imageWidth;
    int h = f.imageHeight;
    if (f.imageDepth != Frame.DEPTH_UBYTE
        || f.imageStride < 3 * w
        || !(f.image[0] instanceof ByteBuffer pixels)
        || pixels.remaining() < (long) (h - 1) * f.imageStride + 3L * w) {
      throw new VideoProblem(
          video
              + ": FFmpeg returned a frame that is not 8-bit BGR ("
              + w
              + "x"
              + h
              + ", depth "
              + f.imageDepth
              + ", stride "
              + f.imageStride
              + ")");
    }
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < h; y++) {
      pixels.get(pixels.position() + y * f.imageStride, dst, y * w * 3, w * 3);
    }
    return image;
  }

  private static void writeJpeg(BufferedImage image, Path file) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IOException("this Java runtime has no JPEG encoder (javax.imageio)");
    }
    ImageWriter writer = writers.next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  private static FFmpegFrameGrabber open(Path video) throws VideoProblem {
    try {
      FFmpegFrameGrabber.tryLoad();
    } catch (FrameGrabber.Exception | RuntimeException | LinkageError e) {
      throw new DatasetException("cannot load FFmpeg (JavaCV) on this platform: " + e, e);
    }
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(video.toFile());
    g.setAudioChannels(1);
    g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
    g.setSampleMode(FrameGrabber.SampleMode.SHORT);
    g.setImageMode(FrameGrabber.ImageMode.COLOR);
    g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    try {
      g.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      close(g);
      throw new VideoProblem(
          "FFmpeg cannot open "
              + video
              + " ("
              + e.getMessage()
              + "); is it a complete video file?");
    }
    return g;
  }

  private static Frame grabSamples(FFmpegFrameGrabber g, Path video) throws VideoProblem {
    try {
      return g.grabSamples();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new VideoProblem("cannot decode the audio of " + video + ": " + e.getMessage());
    }
  }

  private static void close(FFmpegFrameGrabber g) {
    try {
      g.close();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      LOG.debug("closing FFmpeg grabber", e);
    }
  }

  /** A video that cannot be used; the message names the file. */
  private static final class VideoProblem extends Exception {
    private static final long serialVersionUID = 1L;

    VideoProblem(String message) {
      super(message);
    }
  }
}
