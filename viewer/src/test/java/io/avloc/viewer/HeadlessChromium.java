package io.avloc.viewer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, run headless on a page: its DOM after the page's scripts ran, or a
 * screenshot. Each run gets a new empty profile and no network but the page's own (no sync,
 * component updates, QUIC or background requests), so it behaves the same on a clean CI machine.
 *
 * <p>Where it is: {@code -Davloc.chromium=PATH}, else {@code $AVLOC_CHROMIUM}, else {@code
 * /usr/bin/chromium}. The CI installs it with {@code .ci/install-chromium}; a missing browser is a
 * test failure that says so, never a silent skip.
 */
final class HeadlessChromium {

  /** Where the CI's install step puts it (Debian package {@code chromium}). */
  static final String DEFAULT_PATH = "/usr/bin/chromium";

  /** Virtual time the page gets to run its scripts: the viewer polls its data every 500 ms. */
  private static final int VIRTUAL_TIME_MS = 6_000;

  /** Wall-clock limit of one run: generous, a busy 2-core machine starts Chromium slowly. */
  private static final long TIMEOUT_S = 240;

  private final Path binary;
  private final Path workDir;

  private HeadlessChromium(Path binary, Path workDir) {
    this.binary = binary;
    this.workDir = workDir;
  }

  /**
   * The browser, or an {@link AssertionError} that says how to install it.
   *
   * @param workDir where profiles, screenshots and logs go
   */
  static HeadlessChromium find(Path workDir) {
    String configured = System.getProperty("avloc.chromium");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("AVLOC_CHROMIUM");
    }
    Path binary = Path.of(configured == null || configured.isBlank() ? DEFAULT_PATH : configured);
    if (!Files.isExecutable(binary)) {
      throw new AssertionError(
          "headless Chromium is needed to test the viewer's web page and was not found at "
              + binary
              + ". Install it with .ci/install-chromium (as root; it runs apt-get install -y"
              + " chromium), or point -Davloc.chromium / AVLOC_CHROMIUM at a Chromium binary.");
    }
    return new HeadlessChromium(binary, workDir);
  }

  /** The page's DOM after its scripts ran for {@link #VIRTUAL_TIME_MS} of virtual time. */
  String dumpDom(String url) throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "dom-", ".html");
    run(List.of("--dump-dom", url), out);
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  /** A PNG screenshot of the page, {@code width}×{@code height}, after its scripts ran. */
  Path screenshot(String url, Path png, int width, int height)
      throws IOException, InterruptedException {
    Files.deleteIfExists(png);
    run(List.of("--window-size=" + width + "," + height, "--screenshot=" + png, url), null);
    if (!Files.isRegularFile(png)) {
      throw new AssertionError("Chromium wrote no screenshot to " + png);
    }
    return png;
  }

  private void run(List<String> args, Path stdout) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(workDir, "profile-");
    Path log = Files.createTempFile(workDir, "chromium-", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--user-data-dir=" + profile,
            "--virtual-time-budget=" + VIRTUAL_TIME_MS));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
    pb.redirectOutput(stdout == null ? log.toFile() : stdout.toFile());
    if (stdout == null) {
      pb.redirectErrorStream(true);
    }
    Process p = pb.start();
    if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError(
          "Chromium did not finish within " + TIMEOUT_S + " s: " + cmd + "\n" + tail(log));
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(
          "Chromium exited with " + p.exitValue() + ": " + cmd + "\n" + tail(log));
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
