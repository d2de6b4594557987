package io.avloc.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentWarningFilterTest {

  private static final String TXN =
      "org.apache.kafka.clients.producer.internals.TransactionManager";

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final PersistentWarningFilter filter = new PersistentWarningFilter(clock::get);
  private final LoggerContext context = new LoggerContext();

  PersistentWarningFilterTest() {
    filter.setThreshold(3);
    filter.setWindowMs(60_000);
  }

  private FilterReply decide(String logger, Level level) {
    LoggingEvent e = new LoggingEvent();
    e.setLoggerName(logger);
    e.setLevel(level);
    e.setMessage("CONCURRENT_TRANSACTIONS, retrying");
    e.setLoggerContext(context);
    return filter.decide(e);
  }

  @Test
  void aTransientKafkaWarningStaysOffTheConsole() {
    assertThat(decide(TXN, Level.WARN)).isEqualTo(FilterReply.DENY);
    clock.addAndGet(61_000);
    assertThat(decide(TXN, Level.WARN)).isEqualTo(FilterReply.DENY);
  }

  @Test
  void aPersistingKafkaWarningReachesTheConsoleOncePerWindow() {
    assertThat(decide(TXN, Level.WARN)).isEqualTo(FilterReply.DENY);
    assertThat(decide(TXN, Level.WARN)).isEqualTo(FilterReply.DENY);
    assertThat(decide(TXN, Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide(TXN, Level.WARN)).isEqualTo(FilterReply.DENY);

    clock.addAndGet(60_000);
    decide(TXN, Level.WARN);
    decide(TXN, Level.WARN);
    assertThat(decide(TXN, Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
  }

  @Test
  void errorsAndAvlocsOwnWarningsPassUntouched() {
    assertThat(decide(TXN, Level.ERROR)).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide("io.avloc.streams.AvlocStreamsApp", Level.WARN))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide("kafkaesque.Thing", Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
    assertThat(decide("kafka.server.KafkaServer", Level.WARN)).isEqualTo(FilterReply.DENY);
  }

  @Test
  void theShippedConfigurationLoadsAndKeepsKafkaWarningsInTheLogFile(@TempDir Path dir)
      throws Exception {
    System.setProperty("avloc.log.dir", dir.toString());
    try {
      LoggerContext ctx = new LoggerContext();
      ctx.setMDCAdapter(new LogbackMDCAdapter());
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(ctx);
      configurator.doConfigure(getClass().getResource("/logback.xml"));
      assertThat(new StatusUtil(ctx).getHighestLevel(0)).isLessThan(Status.WARN);

      ctx.getLogger(TXN).warn("CONCURRENT_TRANSACTIONS, retrying");
      ctx.stop();

      assertThat(Files.readString(dir.resolve("kafka.log")))
          .contains("CONCURRENT_TRANSACTIONS, retrying");
    } finally {
      System.clearProperty("avloc.log.dir");
    }
  }
}
