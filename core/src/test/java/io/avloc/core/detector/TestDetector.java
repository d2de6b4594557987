package io.avloc.core.detector;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CenterNet detector's folder for tests. The model is not in git: {@code
 * training/fetch-detector.sh} puts it under {@code ~/.cache/avloc/detector} (or {@code
 * $AVLOC_DETECTOR_CACHE}); {@code -Davloc.detector.dir=DIR} points elsewhere. When it is missing
 * the helper runs that script itself (npm must be on the PATH; a clean clone's test command thus
 * fetches the pinned package) and fails the test, naming the script, if the model still cannot be
 * had.
 */
public final class TestDetector {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TestDetector.class);

  private TestDetector() {}

  /** The detector's folder, fetched first when missing. */
  public static synchronized Path dir() {
    String property = System.getProperty("avloc.detector.dir");
    Path dir = property != null && !property.isBlank() ? Path.of(property) : CenterNet.defaultDir();
    if (!Files.isRegularFile(dir.resolve(CenterNet.MODEL_JSON)) && property == null) {
      fetch();
    }
    if (!Files.isRegularFile(dir.resolve(CenterNet.MODEL_JSON))) {
      fail(
          "the CenterNet detector is not in "
              + dir
              + "; run "
              + CenterNet.FETCH_SCRIPT
              + " (npm pack "
              + CenterNet.PACKAGE
              + ") before the tests, or pass -Davloc.detector.dir=DIR");
    }
    return dir;
  }

  /** Runs the project's fetch script (npm pack, pinned, checksummed) from the repository root. */
  private static void fetch() {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path script = root.resolve(CenterNet.FETCH_SCRIPT);
    if (!Files.isRegularFile(script)) {
      return; // not run from the reactor: the failure names the script
    }
    try {
      LOG.info("fetching the CenterNet detector with {}", script);
      Process p = new ProcessBuilder("bash", script.toString()).inheritIO().start();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      LOG.warn("could not run {}: {}", script, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
