package io.avloc.cli;

import io.avloc.core.detector.CenterNet;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The optional {@code --detector DIR} of commands that run the COCO CenterNet ({@code @Mixin}):
 * where its files are, by default where {@value CenterNet#FETCH_SCRIPT} puts them.
 */
final class DetectorFolderOption {

  @Option(
      names = "--detector",
      paramLabel = "DIR",
      description =
          "folder of the CenterNet detector (default: $AVLOC_DETECTOR_CACHE/human-3.3.6 or"
              + " ~/.cache/avloc/detector/human-3.3.6, where training/fetch-detector.sh puts it)")
  Path detector;

  /** The folder: {@code --detector}, else the fetch script's. */
  Path dir() {
    return detector != null ? detector : CenterNet.defaultDir();
  }

  /**
   * {@link #dir()}, checked to hold the detector.
   *
   * @throws IllegalArgumentException naming the fetch script when the detector is not there
   */
  Path checkedDir() {
    Path dir = dir();
    CenterNet.modelJson(dir);
    return dir;
  }
}
