package io.avloc.modelserver.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The operations endpoint of a long-running avloc command, on the JDK's HTTP server (no web
 * framework): {@code /metrics} (Prometheus text format), {@code /health} (the process is up) and
 * {@code /ready} (200 once the service can do its work, 503 before). A service adds its own
 * endpoints with {@link #route}; requests are served by a few threads, so a slow one does not hold
 * up a scrape.
 */
public final class OpsServer implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final HttpServer server;
  private final JvmGcMetrics gc;
  private final ExecutorService executor;

  /** Threads serving requests. */
  private static final int THREADS = 4;

  private OpsServer(
      PrometheusMeterRegistry registry,
      HttpServer server,
      JvmGcMetrics gc,
      ExecutorService executor) {
    this.registry = registry;
    this.server = server;
    this.gc = gc;
    this.executor = executor;
  }

  /** A Prometheus registry with the JVM and process binders every avloc service exposes. */
  public static PrometheusMeterRegistry newRegistry(String service) {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().commonTags("service", service);
    new ClassLoaderMetrics().bindTo(r);
    new JvmMemoryMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new FileDescriptorMetrics().bindTo(r);
    return r;
  }

  /**
   * Serves {@code registry} on {@code host:port} ({@code port} 0 picks a free port).
   *
   * @param ready whether {@code /ready} answers 200
   * @throws IllegalStateException naming the port when it is busy
   */
  public static OpsServer start(
      PrometheusMeterRegistry registry, String host, int port, BooleanSupplier ready) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (BindException e) {
      throw new IllegalStateException(
          "cannot serve metrics on "
              + host
              + ":"
              + port
              + ": the port is in use; set another with avloc.metrics.port (0 = any free port,"
              + " -1 = off)",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    server.createContext(
        "/metrics",
        ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext("/health", ex -> respond(ex, 200, "text/plain", "ok\n"));
    server.createContext(
        "/ready",
        ex -> {
          boolean ok = ready.getAsBoolean();
          respond(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "avloc-ops-http-" + threads.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    return new OpsServer(registry, server, gc, executor);
  }

  /** Serves {@code handler} under {@code path} (e.g. a service's API next to its metrics). */
  public void route(String path, HttpHandler handler) {
    server.createContext(path, handler);
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * {@code http://address:port} of the bound address, as it is: a wildcard bind shows as {@code
   * 0.0.0.0}, so that what is printed says who can reach the port.
   */
  public String url() {
    InetAddress ip = server.getAddress().getAddress();
    String host =
        ip.isAnyLocalAddress()
            ? "0.0.0.0" // the JDK reports a dual-stack wildcard bind as the IPv6 one
            : ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
    return "http://" + host + ":" + port();
  }

  /** The bound address (e.g. {@code 127.0.0.1}, or {@code 0.0.0.0} for every interface). */
  public InetAddress address() {
    return server.getAddress().getAddress();
  }

  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    gc.close();
  }
}
