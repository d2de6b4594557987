package io.avloc.viewer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.avloc.core.media.ImageFormat;
import io.avloc.core.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's web page on the JDK's HTTP server:
 *
 * <ul>
 *   <li>{@code /}: the page (static, from {@code watch/} on the class path), polling the JSON
 *   <li>{@code /api/cameras}: the {@link WatchStats} as JSON, with each camera's {@link
 *       FramePairing}: which frame its overlay is drawn on, or why it has none
 *   <li>{@code /camera/<id>/overlay.png?event=<eventSeq>}: the overlay of that event (the one the
 *       JSON describes) while it is held, else the camera's latest overlay
 *   <li>{@code /camera/<id>/frame}: the camera's latest frame as received (JPEG or PNG)
 *   <li>{@code /health}: {@code {"status":"UP"}} while the consumers run, 503 otherwise
 * </ul>
 */
final class WatchServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WatchServer.class);
  private static final Map<String, String[]> STATIC =
      Map.of(
          "/", new String[] {"watch/index.html", "text/html; charset=utf-8"},
          "/index.html", new String[] {"watch/index.html", "text/html; charset=utf-8"},
          "/watch.js", new String[] {"watch/watch.js", "text/javascript; charset=utf-8"},
          "/watch.css", new String[] {"watch/watch.css", "text/css; charset=utf-8"});

  private final HttpServer server;
  private final ExecutorService executor;
  private final HeatmapWatcher watcher;
  private final Map<String, byte[]> assets = new LinkedHashMap<>();

  private WatchServer(HttpServer server, ExecutorService executor, HeatmapWatcher watcher) {
    this.server = server;
    this.executor = executor;
    this.watcher = watcher;
  }

  /**
   * Binds and starts serving.
   *
   * @throws IllegalStateException when the port is taken or the address cannot be bound
   */
  static WatchServer start(String host, int port, HeatmapWatcher watcher) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 32);
    } catch (BindException e) {
      throw new IllegalStateException(
          "cannot serve the web page on "
              + host
              + ":"
              + port
              + ": the port is already in use or the address is not local ("
              + e.getMessage()
              + "); choose another port",
          e);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot serve the web page on " + host + ":" + port + ": " + e, e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "avloc-watch-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    WatchServer ws = new WatchServer(server, executor, watcher);
    ws.loadAssets();
    server.setExecutor(executor);
    server.createContext("/", ws::handle);
    server.start();
    return ws;
  }

  /** The bound address (the real port when 0 was asked for). */
  InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void loadAssets() {
    for (String[] a : STATIC.values()) {
      try (InputStream in = WatchServer.class.getClassLoader().getResourceAsStream(a[0])) {
        if (in == null) {
          throw new IllegalStateException("web asset " + a[0] + " is missing from the class path");
        }
        assets.put(a[0], in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String method = ex.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "text/plain; charset=utf-8", bytes("method not allowed\n"), false);
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      String[] asset = STATIC.get(path);
      if (asset != null) {
        send(ex, 200, asset[1], assets.get(asset[0]), head);
      } else if (path.equals("/api/cameras")) {
        send(ex, 200, "application/json", json(watcher.pageSnapshot()), head);
      } else if (path.equals("/health")) {
        boolean up = watcher.isRunning();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("heatmaps", watcher.heatmapStatus());
        body.put("frames", watcher.framesStatus());
        send(ex, up ? 200 : 503, "application/json", json(body), head);
      } else if (path.startsWith("/camera/")) {
        camera(ex, path.substring("/camera/".length()), head);
      } else {
        send(ex, 404, "text/plain; charset=utf-8", bytes("not found: " + path + "\n"), head);
      }
    } catch (RuntimeException e) {
      LOG.warn("HTTP {} failed", ex.getRequestURI(), e);
      try {
        send(ex, 500, "text/plain; charset=utf-8", bytes("error: " + e + "\n"), false);
      } catch (IOException | RuntimeException ignored) {
        // headers already sent: the client sees a cut response
      }
    } finally {
      ex.close();
    }
  }

  private void camera(HttpExchange ex, String rest, boolean head) throws IOException {
    int slash = rest.lastIndexOf('/');
    if (slash <= 0) {
      send(ex, 404, "text/plain; charset=utf-8", bytes("not found\n"), head);
      return;
    }
    String camera = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
    String what = rest.substring(slash + 1);
    if (what.equals("overlay.png")) {
      Long event = eventParameter(ex.getRequestURI().getRawQuery());
      Optional<byte[]> png =
          event == null ? watcher.overlayPng(camera) : watcher.overlayPng(camera, event);
      if (png.isPresent()) {
        send(ex, 200, "image/png", png.get(), head);
      } else {
        send(ex, 404, "text/plain; charset=utf-8", bytes("no heatmap for " + camera + "\n"), head);
      }
    } else if (what.equals("frame")) {
      Optional<FrameCache.Frame> frame = watcher.latestFrame(camera);
      if (frame.isPresent()) {
        byte[] b = frame.get().bytes();
        String type = ImageFormat.sniff(b) == ImageFormat.PNG ? "image/png" : "image/jpeg";
        send(ex, 200, type, b, head);
      } else {
        send(ex, 404, "text/plain; charset=utf-8", bytes("no frame for " + camera + "\n"), head);
      }
    } else {
      send(ex, 404, "text/plain; charset=utf-8", bytes("not found\n"), head);
    }
  }

  /** The {@code event} query parameter, or {@code null} when absent or not a number. */
  static Long eventParameter(String rawQuery) {
    if (rawQuery == null) {
      return null;
    }
    for (String p : rawQuery.split("&")) {
      if (p.startsWith("event=")) {
        try {
          return Long.parseLong(p.substring("event=".length()));
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }

  private static byte[] json(Object value) {
    try {
      return Json.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body, boolean head)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    if (head) {
      ex.sendResponseHeaders(code, -1);
      return;
    }
    ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
