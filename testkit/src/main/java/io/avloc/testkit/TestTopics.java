package io.avloc.testkit;

import io.avloc.broker.KafkaBroker;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Topic helpers for tests that share one broker. */
public final class TestTopics {
  private TestTopics() {}

  /** A topic name no other test uses: {@code prefix-<random>}. */
  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates the topics with the given partition count and waits for them. */
  public static void create(KafkaBroker broker, int partitions, String... topics) {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      List<NewTopic> newTopics =
          Arrays.stream(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList();
      admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not create topics " + Arrays.toString(topics), e);
    }
  }
}
