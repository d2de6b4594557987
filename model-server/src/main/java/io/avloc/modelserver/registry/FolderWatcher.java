package io.avloc.modelserver.registry;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the models folder and its version subfolders (one level: a new subfolder is watched as it
 * appears) and calls {@code onChange} after every batch of file-system events. Only a hint: the
 * registry also rescans periodically, so a missed or overflowed event delays a swap, never loses
 * it.
 */
final class FolderWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);

  private final Path root;
  private final Runnable onChange;
  private final WatchService watch;
  private final Map<Path, WatchKey> watched = new ConcurrentHashMap<>();
  private final Thread thread;

  /** Watches {@code root} at once; {@link #start()} starts reporting changes. */
  FolderWatcher(Path root, Runnable onChange) throws IOException {
    this.root = root;
    this.onChange = onChange;
    this.watch = root.getFileSystem().newWatchService();
    this.thread = new Thread(this::loop, "avloc-model-watch");
    thread.setDaemon(true);
    watch(root);
  }

  void start() {
    thread.start();
  }

  /** Watches {@code dir} too (a version folder seen by a scan before its create event). */
  void watch(Path dir) {
    if (watched.containsKey(dir) && watched.get(dir).isValid()) {
      return;
    }
    try {
      watched.put(dir, dir.register(watch, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY));
    } catch (ClosedWatchServiceException e) {
      // closing
    } catch (IOException e) {
      LOG.debug("cannot watch {} (the periodic rescan still sees it): {}", dir, e.toString());
    }
  }

  private void loop() {
    try {
      while (true) {
        WatchKey key = watch.take();
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.kind() != OVERFLOW
              && key.watchable() instanceof Path parent
              && parent.equals(root)
              && event.context() instanceof Path name) {
            Path child = parent.resolve(name);
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(child)) {
              watch(child);
            }
          }
        }
        if (!key.reset()) {
          watched.values().remove(key);
        }
        onChange.run();
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // close()
    }
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (IOException e) {
      LOG.debug("closing the watch service: {}", e.toString());
    }
    if (thread.isAlive()) {
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
