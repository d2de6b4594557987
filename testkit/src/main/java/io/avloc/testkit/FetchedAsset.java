package io.avloc.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test asset that is not in git but that one of the repository's fetch scripts downloads (pinned
 * and checksummed), e.g. the CenterNet detector of {@code training/fetch-detector.sh}. A test on a
 * clean clone runs the script itself when the asset is missing, so the README's one test command
 * works without a manual step; if the asset still is not there, the caller fails naming the script.
 */
public final class FetchedAsset {

  private static final Logger LOG = LoggerFactory.getLogger(FetchedAsset.class);

  private FetchedAsset() {}

  /**
   * Runs {@code script} (relative to the repository root, the parent of the module the test runs
   * in) with bash when {@code file} does not exist, waiting at most 10 minutes.
   *
   * @return whether {@code file} exists afterwards
   */
  public static synchronized boolean ensure(Path file, String script) {
    if (Files.isRegularFile(file)) {
      return true;
    }
    Path root = Path.of("").toAbsolutePath().getParent();
    Path path = root == null ? Path.of(script) : root.resolve(script);
    if (!Files.isRegularFile(path)) {
      return false; // not run from the reactor: the caller's failure names the script
    }
    try {
      LOG.info("{} is missing: fetching it with {}", file, path);
      Process p = new ProcessBuilder("bash", path.toString()).inheritIO().start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      LOG.warn("could not run {}: {}", path, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Files.isRegularFile(file);
  }
}
