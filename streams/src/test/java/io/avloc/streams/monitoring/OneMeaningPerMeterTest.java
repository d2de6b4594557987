package io.avloc.streams.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.avloc.core.media.AvlocTopics;
import io.avloc.modelserver.batch.BatcherMeters;
import io.avloc.modelserver.meters.DeadLetterMeters;
import io.avloc.modelserver.meters.InferenceMeters;
import io.avloc.modelserver.registry.RegistryMeters;
import io.avloc.modelserver.serve.ServeMetrics;
import io.avloc.streams.sync.SyncMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every avloc meter name has one meaning: it is declared by one constant of one {@link MeterBinder}
 * (the binders below are the only main code that builds meters), and registered with one type, one
 * description, one base unit and one set of tag keys, none of them a topic's name. A second
 * definition of a name (the way {@code avloc.inference.latency} once meant "engine call" in the
 * registry and "preprocessing included" in the pair inference) fails here.
 */
class OneMeaningPerMeterTest {

  /** The classes allowed to build meters: one binder per concern. */
  private static final List<Class<? extends MeterBinder>> BINDERS =
      List.of(
          DeadLetterMeters.class,
          InferenceMeters.class,
          RegistryMeters.class,
          BatcherMeters.class,
          ServeMetrics.class,
          SyncMetrics.class);

  private static final Pattern BUILDER =
      Pattern.compile("\\b(?:Counter|Timer|Gauge|DistributionSummary|LongTaskTimer)\\.builder\\(");

  /** Every binder bound into one registry, with the per-model and per-reason meters created. */
  private static MeterRegistry allBound() {
    MeterRegistry registry = new SimpleMeterRegistry();
    InferenceMeters inference = InferenceMeters.boundTo(registry, 8);
    inference.engineLatency("m@1", "OnnxRuntime");
    inference.batchSize("m@1", "OnnxRuntime");
    inference.localizeLatency("m@1", "OnnxRuntime");
    DeadLetterMeters.boundTo(registry, AvlocTopics.FRAMES, "BAD_TIMESTAMP");
    new RegistryMeters(8, () -> 1).bindTo(registry);
    new BatcherMeters("serve", 8, () -> 0).bindTo(registry);
    new ServeMetrics(AvlocTopics.PAIRS).bindTo(registry);
    SyncMetrics.boundTo(registry);
    return registry;
  }

  /** The {@code avloc.*} names the binders declare, by value: the constants that declare each. */
  private static Map<String, List<String>> declaredNames() throws IllegalAccessException {
    Map<String, List<String>> names = new TreeMap<>();
    for (Class<?> c : BINDERS) {
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
          f.setAccessible(true);
          String v = (String) f.get(null);
          if (v.startsWith("avloc.")) {
            names
                .computeIfAbsent(v, k -> new java.util.ArrayList<>())
                .add(c.getSimpleName() + "." + f.getName());
          }
        }
      }
    }
    return names;
  }

  @Test
  void eachNameIsDeclaredByOneConstant() throws Exception {
    Map<String, List<String>> declared = declaredNames();
    assertThat(declared).isNotEmpty();
    assertThat(declared.entrySet().stream().filter(e -> e.getValue().size() > 1))
        .as("meter names declared by more than one constant")
        .isEmpty();
  }

  @Test
  void eachRegisteredNameHasOneTypeDescriptionUnitAndTagSet() throws Exception {
    MeterRegistry registry = allBound();
    Map<String, Set<String>> meanings = new TreeMap<>();
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      String tagKeys =
          id.getTags().stream().map(Tag::getKey).sorted().collect(Collectors.joining(","));
      meanings
          .computeIfAbsent(id.getName(), k -> new TreeSet<>())
          .add(
              id.getType()
                  + " | "
                  + id.getDescription()
                  + " | "
                  + id.getBaseUnit()
                  + " | "
                  + tagKeys);
    }
    assertThat(meanings.entrySet().stream().filter(e -> e.getValue().size() > 1))
        .as("meter names registered with more than one meaning")
        .isEmpty();
    assertThat(meanings.keySet())
        .as("every registered name is a binder's constant")
        .isSubsetOf(declaredNames().keySet());
    assertThat(registry.getMeters())
        .as("every meter says what it measures")
        .allMatch(m -> m.getId().getDescription() != null && !m.getId().getDescription().isBlank());
  }

  @Test
  void noMeterIsNamedLikeATopic() throws Exception {
    Set<String> topics = new TreeSet<>();
    for (Field f : AvlocTopics.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        topics.add((String) f.get(null));
      }
    }
    assertThat(topics).contains(AvlocTopics.PAIRS);
    assertThat(declaredNames().keySet()).doesNotContainAnyElementsOf(topics);
  }

  @Test
  void onlyTheBindersBuildMeters() throws IOException {
    Path root = repoRoot();
    Set<String> builders = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p :
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> f.toString().contains("/src/main/java/"))
              .filter(f -> !f.toString().contains("/target/"))
              .toList()) {
        Matcher m = BUILDER.matcher(Files.readString(p));
        if (m.find()) {
          builders.add(p.getFileName().toString().replace(".java", ""));
        }
      }
    }
    Set<String> binders =
        BINDERS.stream().map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
    assertThat(builders).as("main classes that build meters").isEqualTo(binders);
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("monitoring"))) {
      p = p.getParent();
    }
    assertThat(p).as("the repository root above the working directory").isNotNull();
    return p;
  }
}
