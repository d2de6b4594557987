package io.avloc.core.detector;

import static org.junit.jupiter.api.Assertions.fail;

import io.avloc.testkit.FetchedAsset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CenterNet detector's folder for tests. The model is not in git: {@code
 * training/fetch-detector.sh} puts it under {@code ~/.cache/avloc/detector} (or {@code
 * $AVLOC_DETECTOR_CACHE}); {@code -Davloc.detector.dir=DIR} points elsewhere. When it is missing
 * the script is run ({@link FetchedAsset}; npm must be on the PATH) and the test fails, naming the
 * script, if the model still cannot be had.
 */
public final class TestDetector {

  private TestDetector() {}

  /** The detector's folder, fetched first when missing. */
  public static Path dir() {
    String property = System.getProperty("avloc.detector.dir");
    Path dir = property != null && !property.isBlank() ? Path.of(property) : CenterNet.defaultDir();
    if (property == null) {
      FetchedAsset.ensure(dir.resolve(CenterNet.MODEL_JSON), CenterNet.FETCH_SCRIPT);
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
}
