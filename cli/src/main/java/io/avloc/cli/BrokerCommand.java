package io.avloc.cli;

import io.avloc.broker.KafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code avloc broker}: a real single-node Kafka broker (KRaft) on the loopback interface. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    header = "Runs a real single-node Apache Kafka broker (KRaft mode) on 127.0.0.1.",
    description =
        "Runs a real single-node Apache Kafka broker (KRaft mode) on 127.0.0.1. Prints "
            + "'bootstrap=127.0.0.1:<port>' when ready; stops cleanly on Ctrl-C or SIGTERM. "
            + "Data is kept in --data-dir across restarts unless --fresh is given.")
final class BrokerCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "client port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--controller-port",
      defaultValue = "9093",
      description = "KRaft controller port (default: ${DEFAULT-VALUE})")
  int controllerPort;

  @Option(
      names = "--data-dir",
      description = "where topics are stored (default: ~/.avloc/broker)",
      paramLabel = "DIR")
  Path dataDir = Path.of(System.getProperty("user.home"), ".avloc", "broker");

  @Option(names = "--fresh", description = "wipe --data-dir before starting")
  boolean fresh;

  @Override
  public Integer call() throws InterruptedException {
    KafkaBroker broker =
        KafkaBroker.builder()
            .port(port)
            .controllerPort(controllerPort)
            .dataDir(dataDir)
            .fresh(fresh)
            .build();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              System.err.println("avloc broker: stopping");
              broker.close();
              stopped.countDown();
            },
            "avloc-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long t0 = System.nanoTime();
    try {
      broker.start();
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      throw e;
    }
    System.out.printf(
        "bootstrap=%s%n# Kafka %s (KRaft), data in %s, ready in %.1f s; Ctrl-C to stop%n",
        broker.bootstrapServers(),
        org.apache.kafka.common.utils.AppInfoParser.getVersion(),
        broker.dataDir(),
        (System.nanoTime() - t0) / 1e9);
    System.out.flush();
    stopped.await();
    return 0;
  }
}
