package io.avloc.cli;

import io.avloc.core.kafka.KafkaClientSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Kafka connection options of every command that talks to Kafka ({@code @Mixin}): the bootstrap
 * servers, a client properties file and {@code --set KEY=VALUE}. With the {@code AVLOC_KAFKA_*}
 * environment variables they make one {@link KafkaClientSettings} that all of the command's clients
 * use.
 */
final class KafkaOptions {

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers (default: bootstrap.servers of --kafka-config, else "
              + KafkaClientSettings.DEFAULT_BOOTSTRAP
              + ")")
  String bootstrap;

  @Option(
      names = "--kafka-config",
      paramLabel = "FILE",
      description =
          "Kafka client properties file for every client of this command, e.g."
              + " security.protocol=SASL_SSL, sasl.mechanism, ssl.truststore.location; secrets"
              + " also from AVLOC_KAFKA_* variables (AVLOC_KAFKA_SASL_JAAS_CONFIG sets"
              + " sasl.jaas.config); see docs/security.md")
  Path file;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "a Kafka client property, repeatable; admin./producer./consumer. prefixes pick one"
              + " kind of client (e.g. --set consumer.session.timeout.ms=10000); 'avloc streams' also"
              + " takes its avloc.* settings here")
  Map<String, String> set = new LinkedHashMap<>();

  /** The file, then {@code AVLOC_KAFKA_*} of {@code env}, then {@code --set}. */
  KafkaClientSettings settings(Map<String, String> env) {
    return KafkaClientSettings.load(bootstrap, file, env, set);
  }

  /** As above, with the process environment. */
  KafkaClientSettings settings() {
    return settings(System.getenv());
  }
}
