package io.avloc.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Start-up checks of the topics: creates missing ones when allowed, and refuses to start when the
 * frames and audio topics are not co-partitioned (same partition count), because the synchronizer
 * must see a camera's frames and audio in the same task.
 */
public final class TopicSetup {
  private TopicSetup() {}

  /**
   * Ensures the topics exist ({@code create}: with {@code partitions} partitions, replication 1,
   * and the {@code max.message.bytes} that {@code recordBytes} gives for a topic, if any) and that
   * frames and audio have equally many partitions.
   *
   * @throws IllegalStateException with what to change when they are not co-partitioned or missing
   */
  public static void ensure(
      Admin admin,
      String frames,
      String audio,
      List<String> outputs,
      boolean create,
      int partitions,
      short replication,
      Map<String, Integer> recordBytes) {
    List<String> all = new ArrayList<>(List.of(frames, audio));
    all.addAll(outputs);
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String t : all) {
        if (!existing.contains(t)) {
          NewTopic topic = new NewTopic(t, partitions, replication);
          Integer limit = recordBytes.get(t);
          if (limit != null) {
            // The broker's default (1 MiB) is smaller than the records avloc accepts.
            topic.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(limit)));
          }
          missing.add(topic);
        }
      }
      if (!missing.isEmpty()) {
        if (!create) {
          throw new IllegalStateException(
              "topics "
                  + missing.stream().map(NewTopic::name).toList()
                  + " do not exist; create them (frames and audio with equal partition counts)"
                  + " or set avloc.topic.create=true");
        }
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      Map<String, TopicDescription> d = describe(admin, List.of(frames, audio));
      int fp = d.get(frames).partitions().size();
      int ap = d.get(audio).partitions().size();
      if (fp != ap) {
        throw new IllegalStateException(
            "topics "
                + frames
                + " ("
                + fp
                + " partitions) and "
                + audio
                + " ("
                + ap
                + " partitions) are not co-partitioned: a camera's frames and audio must land in"
                + " the same partition number. Give both the same partition count (and key both"
                + " by camera id with the default partitioner)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot check topics on the broker: " + e.getMessage(), e);
    }
  }

  /**
   * Describes the topics, waiting for ones created a moment ago: the broker may report them unknown
   * until its metadata catches up.
   */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}
