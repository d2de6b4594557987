package io.avloc.modelserver.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions the registry could serve: every subfolder of the models folder whose name does not
 * start with a dot, and the versions announced on the {@code avloc.models} topic ({@link
 * ModelTopicWatcher}), in {@link VersionOrder}, newest first.
 */
final class VersionCatalog {

  // The registry's log lines keep one logger name, whichever of its classes writes them.
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  private final Path modelsDir;
  private final Consumer<Path> onVersionFolder;
  private final Runnable onChange;
  private final Map<String, VersionCandidate> announced = new ConcurrentHashMap<>();

  /**
   * @param modelsDir the models folder (absolute, normalized)
   * @param onVersionFolder called with each version folder a listing finds (to watch it)
   * @param onChange called when an announcement changes what could be served
   */
  VersionCatalog(Path modelsDir, Consumer<Path> onVersionFolder, Runnable onChange) {
    this.modelsDir = modelsDir;
    this.onVersionFolder = onVersionFolder;
    this.onChange = onChange;
  }

  /**
   * Adds (or replaces) the version announced by {@code source}: {@code dir} holds the artifact of
   * {@code version}. It competes with the folder's versions by version order.
   */
  void announce(String source, String version, Path dir) {
    announced.put(source, new VersionCandidate(version, dir.toAbsolutePath().normalize(), source));
    onChange.run();
  }

  /** Forgets what {@code source} announced. */
  void withdraw(String source) {
    if (announced.remove(source) != null) {
      onChange.run();
    }
  }

  /**
   * Folder versions and announced ones, newest first (a folder before an equal announcement). An
   * announced version being served stays a candidate when a newer announcement replaced it (until
   * that one loads), but not once its announcement is withdrawn.
   *
   * @param serving the version being served, or null
   */
  List<VersionCandidate> candidates(VersionCandidate serving) {
    List<VersionCandidate> all = new ArrayList<>(announced.values());
    if (serving != null
        && !serving.fromFolder()
        && announced.containsKey(serving.source())
        && !all.contains(serving)) {
      all.add(serving);
    }
    try (Stream<Path> entries = Files.list(modelsDir)) {
      for (Path p : (Iterable<Path>) entries::iterator) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(p)) {
          all.add(new VersionCandidate(name, p, VersionCandidate.FOLDER));
          onVersionFolder.accept(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot list model versions in {}: {}", modelsDir, e.toString());
    }
    all.sort(
        Comparator.comparing(VersionCandidate::version, VersionOrder.INSTANCE.reversed())
            .thenComparing(c -> !c.fromFolder()));
    return all;
  }
}
