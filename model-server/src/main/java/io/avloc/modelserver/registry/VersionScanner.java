package io.avloc.modelserver.registry;

import io.avloc.core.artifact.ModelArtifact;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which version to try next and remembers the refused ones. A version is tried once nothing
 * in its folder changed for {@link RegistryConfig#settleTime()} (a copy in progress is not a broken
 * version); a refused version is logged with its reason, counted in {@code
 * avloc.model.load.failures{reason}} and not tried again until its files change. Whether a folder
 * has settled or changed since it was refused is read by {@link VersionFolders}.
 *
 * <p>Not thread-safe: the registry runs it on one thread at a time (the opening thread, then its
 * loader thread).
 */
final class VersionScanner {

  // The registry's log lines keep one logger name, whichever of its classes writes them.
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  /** The serving side of the registry, which a scan swaps to the version it loaded. */
  interface ServingSide {
    /** The version served now, or null. */
    ServedVersion current();

    /** Serves {@code next} instead of {@code cur} (which the scan saw serving, or null). */
    void swap(ServedVersion cur, ServedVersion next);

    /** Whether the registry is closing: the scan stops. */
    boolean closed();
  }

  /**
   * What a scan found.
   *
   * @param waitMillis when to scan again (sooner when a folder is settling)
   * @param unsettled whether a version folder was still being written
   */
  record Scan(long waitMillis, boolean unsettled) {}

  private final RegistryConfig config;
  private final VersionCatalog catalog;
  private final VersionLoader loader;
  private final RegistryMeters meters;
  private final ServingSide serving;

  /** Candidate key → fingerprint of its folder when it was refused. */
  private final Map<String, String> refused = new HashMap<>();

  /** Version → why it is not served, for the error when nothing can be. */
  private final Map<String, String> lastReasons = new LinkedHashMap<>();

  VersionScanner(
      RegistryConfig config,
      VersionCatalog catalog,
      VersionLoader loader,
      RegistryMeters meters,
      ServingSide serving) {
    this.config = config;
    this.catalog = catalog;
    this.loader = loader;
    this.meters = meters;
    this.serving = serving;
  }

  /**
   * Tries the versions newer than the serving one, newest first, until one loads; a version older
   * than the serving one is only tried when the serving one's folder is gone (roll back). A version
   * still being written stops the scan (nothing older is loaded meanwhile), unless {@code
   * skipUnsettled}.
   */
  Scan scan(boolean skipUnsettled) {
    long settle = config.settleTime().toMillis();
    long wait = config.rescanInterval().toMillis();
    boolean unsettled = false;
    ServedVersion cur = serving.current();
    for (VersionCandidate c : catalog.candidates(cur == null ? null : cur.source)) {
      if (serving.closed()) {
        break;
      }
      if (cur != null && c.version().equals(cur.source.version())) {
        break; // nothing newer can be served
      }
      long quiet;
      String fingerprint;
      try {
        quiet = System.currentTimeMillis() - VersionFolders.lastChange(c.dir());
        fingerprint = VersionFolders.fingerprint(c.dir());
      } catch (IOException e) {
        if (!c.fromFolder() && !"absent".equals(refused.get(c.key()))) {
          refuse(
              c,
              cur,
              "absent",
              LoadFailure.MISSING_FILE,
              "the announced folder " + c.dir() + " cannot be read here: " + e);
        }
        continue; // a folder removed while scanning is simply gone
      }
      if (quiet < settle) {
        unsettled = true;
        wait = Math.min(wait, settle - quiet + 20);
        if (skipUnsettled) {
          continue;
        }
        break;
      }
      if (!Files.isRegularFile(c.dir().resolve(ModelArtifact.MANIFEST))) {
        // Not a model (yet): artifacts are written manifest last, so this is no failure.
        if (lastReasons.put(c.version(), "no manifest.json (yet)") == null) {
          LOG.info("model version folder {} has no manifest.json yet; waiting for it", c.dir());
        }
        continue;
      }
      if (fingerprint.equals(refused.get(c.key()))) {
        continue; // refused before and unchanged since
      }
      if (tryServe(c, cur, fingerprint)) {
        break;
      }
    }
    return new Scan(wait, unsettled);
  }

  /** Each version's reason for not being served, for the error when none can be. */
  String reasons() {
    return lastReasons.isEmpty()
        ? "it holds no version subfolder"
        : lastReasons.entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining("; "));
  }

  private boolean tryServe(VersionCandidate c, ServedVersion cur, String fingerprint) {
    ServedVersion next;
    try {
      next = loader.load(c, cur == null ? null : cur.engine.shape());
    } catch (VersionLoader.Refused e) {
      return refuse(c, cur, fingerprint, e.reason(), e.getMessage());
    }
    lastReasons.remove(c.version());
    serving.swap(cur, next);
    return true;
  }

  private boolean refuse(
      VersionCandidate c,
      ServedVersion cur,
      String fingerprint,
      LoadFailure reason,
      String message) {
    refused.put(c.key(), fingerprint);
    lastReasons.put(c.version(), reason.tag() + ": " + message);
    meters.loadFailed(reason);
    if (cur != null) {
      meters.swapRefused();
    }
    LOG.warn(
        "model version {} at {} refused ({}): {}; {}",
        c.version(),
        c.dir(),
        reason.tag(),
        message,
        cur == null
            ? "trying older versions"
            : "still serving "
                + cur.engine.manifest().id()
                + " (version "
                + cur.source.version()
                + ")");
    return false;
  }
}
