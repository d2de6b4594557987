package io.avloc.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The packaged {@code avloc} command running in its own JVM, as a user runs it. */
final class AvlocProcess implements AutoCloseable {

  private final Process process;
  private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
  private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
  private final Thread outPump;
  private final Thread errPump;

  private AvlocProcess(Process process) {
    this.process = process;
    this.outPump = pump(process.getInputStream(), stdout);
    this.errPump = pump(process.getErrorStream(), stderr);
  }

  static AvlocProcess start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  /** As above, with {@code env} added to this JVM's environment (e.g. secrets). */
  static AvlocProcess start(Map<String, String> env, String... args) throws IOException {
    String jar = System.getProperty("avloc.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "system property avloc.jar must point at the packaged CLI (run through mvn verify)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    // -Davloc.it.log.level=DEBUG on the test JVM: the commands log avloc's own classes at that
    // level.
    String level = System.getProperty("avloc.it.log.level");
    if (level != null && !level.isBlank()) {
      cmd.add("-Davloc.log.level=" + level);
    }
    cmd.add("-jar");
    cmd.add(jar);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    return new AvlocProcess(pb.start());
  }

  private static Thread pump(java.io.InputStream in, List<String> sink) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  sink.add(line);
                }
              } catch (IOException e) {
                // process ended
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits for a stdout line matching {@code p}; fails with everything printed so far. */
  String awaitStdout(Predicate<String> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (stdout) {
        for (String line : stdout) {
          if (p.test(line)) {
            return line;
          }
        }
      }
      if (!process.isAlive() && process.exitValue() != 0) {
        break;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("expected output did not appear; " + transcript());
  }

  /** Kills the process with SIGKILL: no shutdown hooks, no flush, no commit. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Sends SIGTERM and waits for the exit code. */
  int terminate(Duration timeout) throws InterruptedException {
    // Process.destroy() would also close our end of the pipes and lose the last output.
    process.toHandle().destroy();
    return awaitExit(timeout);
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("avloc did not exit in " + timeout + "; " + transcript());
    }
    // The pumps may still hold the last lines the process wrote.
    outPump.join(5000);
    errPump.join(5000);
    return process.exitValue();
  }

  /**
   * The process's threads now ({@code jcmd <pid> Thread.print}), for a failure message that says
   * what a stalled process was doing; the error text when the dump cannot be taken.
   */
  String threadDump() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p =
          new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "no thread dump: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "no thread dump: interrupted";
    }
  }

  String stderr() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }

  String transcript() {
    return "stdout:\n" + String.join("\n", stdout) + "\nstderr:\n" + stderr();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
