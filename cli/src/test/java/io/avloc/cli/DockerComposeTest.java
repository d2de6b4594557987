package io.avloc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.avloc.streams.AvlocTopology;
import io.avloc.streams.StreamsSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * docker/ agrees with the repository and with this checkout's {@code avloc} command: the compose
 * file, the Dockerfile and the compose Prometheus config. Needs no Docker: it reads the files
 * (.ci/compose-check runs a real Compose validator on top). The images are not built here.
 */
class DockerComposeTest {

  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOCKER = REPO.resolve("docker");
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Variables the images' launcher or logging read; any other AVLOC_* is a streams setting. */
  private static final Map<String, Path> LAUNCHER_VARIABLES =
      Map.of(
          "AVLOC_JAVA_OPTS", DOCKER.resolve("avloc.sh"),
          "AVLOC_LOG_LEVEL", REPO.resolve("cli/src/main/resources/logback.xml"));

  private static JsonNode compose;
  private static Map<String, JsonNode> services;
  private static Dockerfile dockerfile;

  @BeforeAll
  static void readFiles() throws IOException {
    assertThat(REPO.resolve("pom.xml")).as("tests run in cli/, under the repository").exists();
    compose = YAML.readTree(DOCKER.resolve("docker-compose.yml").toFile());
    services = new LinkedHashMap<>();
    compose.get("services").fields().forEachRemaining(e -> services.put(e.getKey(), e.getValue()));
    dockerfile = Dockerfile.read(DOCKER.resolve("Dockerfile"));
  }

  // ---- services and images ----------------------------------------------------------------------

  @Test
  void everyServiceRunsAPinnedImageOrOneBuiltFromThisRepository() {
    assertThat(services)
        .containsKeys("kafka", "topics", "streams", "model-server", "prometheus", "grafana");
    services.forEach(
        (name, s) -> {
          String image = s.path("image").asText();
          assertThat(image).as(name + ": image").isNotEmpty();
          if (s.has("build")) {
            JsonNode b = s.get("build");
            assertThat(DOCKER.resolve(b.get("context").asText()).normalize())
                .as(name + ": build context is the repository root")
                .isEqualTo(REPO);
            assertThat(REPO.resolve(b.get("dockerfile").asText()).normalize())
                .isEqualTo(DOCKER.resolve("Dockerfile"));
            String target = b.get("target").asText();
            assertThat(dockerfile.stages).as(name + ": build target").containsKey(target);
            assertThat(image)
                .as(name + ": the image its build produces")
                .isEqualTo("avloc:" + target);
          } else {
            assertThat(image)
                .as(name + ": an image built here needs a build section")
                .doesNotStartWith("avloc");
            assertThat(image).as(name + ": pinned tag").matches("[^:]+:[0-9v][\\w.-]*");
          }
        });
  }

  @Test
  void kafkaRunsTheVersionTheProjectBuildsAgainst() throws Exception {
    String version = pomProperty(REPO.resolve("pom.xml"), "kafka.version");
    assertThat(services.get("kafka").get("image").asText()).isEqualTo("apache/kafka:" + version);
    assertThat(services.get("topics").get("image").asText()).isEqualTo("apache/kafka:" + version);
  }

  @Test
  void onlyTheModelServerReservesAGpuAndItReservesOneNvidiaGpu() {
    services.forEach(
        (name, s) -> {
          JsonNode devices = s.at("/deploy/resources/reservations/devices");
          if (!name.equals("model-server")) {
            assertThat(devices.isMissingNode()).as(name + " reserves no device").isTrue();
          }
        });
    JsonNode server = services.get("model-server");
    JsonNode devices = server.at("/deploy/resources/reservations/devices");
    assertThat(devices.size()).isEqualTo(1);
    JsonNode gpu = devices.get(0);
    assertThat(gpu.get("driver").asText()).isEqualTo("nvidia");
    assertThat(gpu.get("count").asInt()).isEqualTo(1);
    assertThat(texts(gpu.get("capabilities"))).contains("gpu");
    assertThat(server.at("/build/target").asText()).isEqualTo("gpu");
    List<String> args = avlocArgs("model-server");
    assertThat(args.get(0)).isEqualTo("serve");
    assertThat(valueOf(args, "--engines").split(","))
        .as("TensorRT first, ONNX Runtime as the fallback")
        .containsExactly("tensorrt", "onnxruntime");
  }

  // ---- the avloc command lines ------------------------------------------------------------------

  /**
   * Every avloc command line (compose commands, the Dockerfile's default CMDs) parses with this
   * checkout's CLI: names, arities and values of flags. {@code avloc serve} and {@code streams
   * --inference} come with the distributed mode; until it is merged they are listed, not parsed.
   */
  @Test
  void everyAvlocCommandLineParsesWithThisCheckoutsCli() {
    boolean distributedMode = Avloc.commandLine().getSubcommands().containsKey("serve");
    Map<String, List<String>> lines = new LinkedHashMap<>();
    for (String name : avlocServices()) {
      lines.put("service " + name, avlocArgs(name));
    }
    for (String stage : List.of("cpu", "gpu")) {
      lines.put("Dockerfile " + stage + " CMD", dockerfile.stage(stage).jsonArgs("CMD"));
    }
    List<String> awaiting = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    lines.forEach(
        (where, raw) -> {
          List<String> args = new ArrayList<>(raw);
          if (!distributedMode && args.get(0).equals("serve")) {
            awaiting.add(where + ": " + String.join(" ", args));
            return;
          }
          int inference = args.indexOf("--inference");
          if (!distributedMode && args.get(0).equals("streams") && inference >= 0) {
            awaiting.add(where + ": --inference " + args.get(inference + 1));
            args.subList(inference, inference + 2).clear();
          }
          try {
            Avloc.commandLine().parseArgs(args.toArray(String[]::new));
          } catch (CommandLine.ParameterException e) {
            rejected.add(where + ": avloc " + String.join(" ", args) + ": " + e.getMessage());
          }
        });
    if (!awaiting.isEmpty()) {
      System.err.println(
          "DockerComposeTest: checked once `avloc serve` exists (distributed mode): " + awaiting);
    }
    assertThat(rejected).isEmpty();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(avlocServices().size() + 2);
  }

  @Test
  void avlocVariablesAreStreamsSettingsOrLauncherVariables() throws IOException {
    for (Map.Entry<String, Path> v : LAUNCHER_VARIABLES.entrySet()) {
      assertThat(Files.readString(v.getValue())).as(v.getKey()).contains(v.getKey());
    }
    for (String name : avlocServices()) {
      boolean streams = avlocArgs(name).get(0).equals("streams");
      environment(name)
          .forEach(
              (k, v) -> {
                if (!k.startsWith("AVLOC_") || LAUNCHER_VARIABLES.containsKey(k)) {
                  return;
                }
                String key = "avloc." + k.substring(6).toLowerCase(Locale.ROOT).replace('_', '.');
                assertThat(streams).as(name + ": " + k + " is read only by avloc streams").isTrue();
                assertThat(StreamsSettings.DEFAULTS)
                    .as(name + ": " + k + " names no setting (the app would ignore it)")
                    .containsKey(key);
              });
    }
    StreamsSettings settings = streamsSettings("streams");
    assertThatCode(() -> AvlocTopology.syncConfig(settings)).doesNotThrowAnyException();
    assertThat(settings.get("avloc.bootstrap")).isEqualTo("kafka:9092");
  }

  /**
   * The model and the streams state live in volumes; the models volume is what model-init fills.
   */
  @Test
  void modelsAndStateLiveInVolumes() {
    String workdir = dockerfile.stage("cpu").last("WORKDIR");
    assertThat(dockerfile.stage("gpu").last("WORKDIR")).isEqualTo(workdir);
    String initScript = services.get("model-init").get("command").get(0).asText();
    Matcher out = Pattern.compile("--out (\\S+)").matcher(initScript);
    assertThat(out.find()).as(initScript).isTrue();
    String initModel = Path.of(workdir).resolve(out.group(1)).normalize().toString();
    assertThat(volumeTarget("model-init", "models")).isNotNull();
    assertThat(initModel).startsWith(volumeTarget("model-init", "models") + "/");

    assertThat(streamsSettings("streams").get("avloc.model")).isEqualTo(initModel);
    assertThat(valueOf(avlocArgs("model-server"), "--model")).isEqualTo(initModel);
    assertThat(volumeTarget("streams", "models")).isEqualTo(volumeTarget("model-init", "models"));
    assertThat(volumeTarget("model-server", "models"))
        .isEqualTo(volumeTarget("model-init", "models"));

    String stateDir = streamsSettings("streams").get("avloc.state.dir");
    assertThat(texts(services.get("streams").get("volumes")))
        .as("the state dir is in a per-container volume")
        .anyMatch(v -> !v.contains(":") && stateDir.startsWith(v + "/"));
  }

  // ---- ports, health, dependencies --------------------------------------------------------------

  @Test
  void publishedPortsAreOnesTheServicesListenOnBoundToAvlocBind() {
    Set<String> published = new TreeSet<>();
    services.forEach(
        (name, s) -> {
          for (String p : texts(s.get("ports"))) {
            assertThat(p).as(name).startsWith("${AVLOC_BIND:-127.0.0.1}:");
            String[] parts = interpolate(p).split(":");
            int container = Integer.parseInt(parts[parts.length - 1]);
            assertThat(listeningPorts(name))
                .as(name + " listens on " + container)
                .contains(container);
            published.add(name);
          }
          for (String p : texts(s.get("expose"))) {
            assertThat(listeningPorts(name)).as(name + " exposes").contains(Integer.parseInt(p));
          }
        });
    assertThat(published).contains("kafka", "prometheus", "grafana", "viewer");
    // The host listener is advertised under the port the host reaches.
    String advertised = environment("kafka").get("KAFKA_ADVERTISED_LISTENERS");
    assertThat(interpolate(advertised)).contains("HOST://localhost:9094");
  }

  @Test
  void everyServiceThatListensIsHealthCheckedOnItsOwnPort() {
    Pattern hostPort = Pattern.compile("(?:127\\.0\\.0\\.1|localhost|kafka):(\\d{2,5})\\b");
    services.forEach(
        (name, s) -> {
          JsonNode hc = s.get("healthcheck");
          Set<Integer> listening = listeningPorts(name);
          if (hc == null || hc.path("disable").asBoolean()) {
            assertThat(listening).as(name + " listens, so it needs a healthcheck").isEmpty();
            return;
          }
          String test = String.join(" ", texts(hc.get("test")));
          Matcher m = hostPort.matcher(test);
          assertThat(m.find()).as(name + ": healthcheck names a port: " + test).isTrue();
          assertThat(listening).as(name + ": " + test).contains(Integer.parseInt(m.group(1)));
        });
  }

  @Test
  void servicesRestartUnlessTheyAreOneShotsThatOthersAwait() {
    Set<String> awaitedToComplete = new LinkedHashSet<>();
    services.forEach(
        (name, s) ->
            s.path("depends_on")
                .fields()
                .forEachRemaining(
                    d -> {
                      assertThat(services).as(name + " depends on").containsKey(d.getKey());
                      String condition = d.getValue().get("condition").asText();
                      assertThat(condition)
                          .isIn(
                              "service_started",
                              "service_healthy",
                              "service_completed_successfully");
                      if (condition.equals("service_completed_successfully")) {
                        awaitedToComplete.add(d.getKey());
                      }
                      if (condition.equals("service_healthy")) {
                        assertThat(services.get(d.getKey()).has("healthcheck")).isTrue();
                      }
                    }));
    assertThat(awaitedToComplete).containsExactlyInAnyOrder("topics", "model-init");
    services.forEach(
        (name, s) ->
            assertThat(s.path("restart").asText())
                .as(name + ": restart policy")
                .isEqualTo(awaitedToComplete.contains(name) ? "no" : "unless-stopped"));
    // Whatever talks to Kafka starts after the topics exist (which waits for a healthy broker).
    for (String name : avlocServices()) {
      if (!name.equals("model-init")) {
        assertThat(services.get(name).at("/depends_on/topics/condition").asText())
            .as(name)
            .isEqualTo("service_completed_successfully");
      }
    }
  }

  @Test
  void theDemoProfileHoldsOnlyTheCamerasAndTheViewer() {
    Set<String> demo = new TreeSet<>();
    services.forEach(
        (name, s) -> {
          if (texts(s.get("profiles")).contains("demo")) {
            demo.add(name);
          }
        });
    assertThat(demo).containsExactly("feed", "viewer");
    assertThat(avlocArgs("feed")).contains("--synthetic");
  }

  // ---- topics -----------------------------------------------------------------------------------

  @Test
  void topicsServiceGivesTheTopicsTheRecordLimitsAvlocDerivesFromItsOneSetting() {
    String script = services.get("topics").get("command").get(0).asText().replace("\\\n", " ");
    Map<String, String> limits = new HashMap<>();
    Matcher m =
        Pattern.compile("(?m)^\\s*topic (\\S+) [^\\n]*--config max.message.bytes=(\\d+)")
            .matcher(script);
    while (m.find()) {
      limits.put(m.group(1), m.group(2));
    }
    io.avloc.core.media.RecordLimits derived = io.avloc.core.media.RecordLimits.DEFAULT;
    // Smaller limits would stop the pipeline on valid records (pairs) or truncate dead letters.
    assertThat(limits)
        .containsEntry("avloc.frames", Integer.toString(derived.mediaRecordBytes()))
        .containsEntry("avloc.audio", Integer.toString(derived.mediaRecordBytes()))
        .containsEntry("avloc.pairs", Integer.toString(derived.pairRecordBytes()))
        .containsEntry("avloc.deadletter", Integer.toString(derived.pairRecordBytes()));
  }

  @Test
  void topicsServiceCreatesEveryTopicTheAppUsesWithFramesAndAudioCoPartitioned() {
    String script = services.get("topics").get("command").get(0).asText();
    Map<String, String> partitions = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^topic (\\S+) \"(\\S+?)\"").matcher(script);
    while (m.find()) {
      partitions.put(m.group(1), m.group(2));
    }
    Set<String> used = new TreeSet<>(Set.of("avloc.pairs"));
    StreamsSettings.DEFAULTS.forEach(
        (k, v) -> {
          if (k.startsWith("avloc.topic.") && v.startsWith("avloc.")) {
            used.add(v);
          }
        });
    assertThat(partitions.keySet()).containsAll(used);
    assertThat(partitions.get("avloc.audio"))
        .as("frames and audio are co-partitioned by camera id")
        .isEqualTo(partitions.get("avloc.frames"));
    Map<String, String> env = environment("topics");
    partitions.forEach(
        (topic, count) -> {
          String variable = count.replaceFirst("^\\$\\$", "");
          assertThat(env).as(topic + " partitions").containsKey(variable);
          assertThat(Integer.parseInt(interpolate(env.get(variable)))).isPositive();
        });
  }

  // ---- Prometheus and Grafana -------------------------------------------------------------------

  @Test
  void prometheusScrapesEveryAvlocEndpointAndLoadsTheAlertRules() throws IOException {
    JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus.yml").toFile());
    Map<String, Integer> scraped = new HashMap<>();
    Set<String> jobs = new TreeSet<>();
    for (JsonNode job : prometheus.get("scrape_configs")) {
      jobs.add(job.get("job_name").asText());
      for (JsonNode sd : job.path("dns_sd_configs")) {
        for (String name : texts(sd.get("names"))) {
          assertThat(services).as("scraped service").containsKey(name);
          scraped.put(name, sd.get("port").asInt());
        }
      }
    }
    for (String name : avlocServices()) {
      Integer metrics = metricsPort(name);
      if (metrics != null) {
        assertThat(scraped)
            .as(name + " is scraped on its metrics port")
            .containsEntry(name, metrics);
      }
    }
    assertThat(scraped).containsKeys("streams", "model-server");
    JsonNode monitoring = YAML.readTree(REPO.resolve("monitoring/prometheus.yml").toFile());
    for (JsonNode job : monitoring.get("scrape_configs")) {
      assertThat(jobs)
          .as("the job names dashboards and alerts know")
          .contains(job.get("job_name").asText());
    }

    Map<String, Path> mounts = bindMounts("prometheus");
    String config = valueOf(argList("prometheus"), "--config.file");
    assertThat(mounts.get(config)).isEqualTo(DOCKER.resolve("prometheus.yml"));
    for (String rules : texts(prometheus.get("rule_files"))) {
      String inContainer = Path.of(config).resolveSibling(rules).toString();
      assertThat(mounts.get(inContainer))
          .as(rules)
          .isEqualTo(REPO.resolve("monitoring/alerts.yml"));
    }
  }

  @Test
  void grafanaIsProvisionedFromMonitoringWithTheDashboardWhereItsProviderLooks()
      throws IOException {
    Map<String, Path> mounts = bindMounts("grafana");
    Path provisioning = mounts.get("/etc/grafana/provisioning");
    assertThat(provisioning).isEqualTo(REPO.resolve("monitoring/grafana/provisioning"));

    JsonNode provider =
        YAML.readTree(provisioning.resolve("dashboards/avloc.yml").toFile())
            .get("providers")
            .get(0);
    Path dashboards = mounts.get(provider.at("/options/path").asText());
    assertThat(dashboards).as("the provider's folder is mounted").isNotNull();
    assertThat(dashboards.resolve("avloc-dashboard.json")).exists();
    String home = environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
    assertThat(home).isEqualTo(provider.at("/options/path").asText() + "/avloc-dashboard.json");

    JsonNode datasource =
        YAML.readTree(provisioning.resolve("datasources/prometheus.yml").toFile())
            .get("datasources")
            .get(0);
    URI url = URI.create(datasource.get("url").asText());
    assertThat(services).containsKey(url.getHost());
    assertThat(listeningPorts(url.getHost())).contains(url.getPort());
  }

  @Test
  void bindMountsExistAndNamedVolumesAreDeclared() {
    Set<String> declared = new TreeSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(declared::add);
    Set<String> used = new TreeSet<>();
    services.forEach(
        (name, s) -> {
          for (String v : texts(s.get("volumes"))) {
            String[] parts = v.split(":");
            if (parts.length == 1) {
              continue; // anonymous volume
            }
            if (parts[0].startsWith(".")) {
              assertThat(DOCKER.resolve(parts[0]).normalize()).as(name + ": " + v).exists();
            } else {
              assertThat(declared).as(name + ": volume " + parts[0]).contains(parts[0]);
              used.add(parts[0]);
            }
          }
        });
    assertThat(used).isEqualTo(declared);
  }

  @Test
  void everyComposeVariableHasADefault() throws IOException {
    String text = Files.readString(DOCKER.resolve("docker-compose.yml")).replace("$$", "");
    Matcher m = Pattern.compile("\\$\\{?([A-Za-z_]\\w*)([^}]*)").matcher(text);
    while (m.find()) {
      assertThat(m.group(2))
          .as("${" + m.group(1) + "} needs a default: ${VAR:-value}")
          .startsWith(":-");
    }
  }

  // ---- the Dockerfile ---------------------------------------------------------------------------

  @Test
  void dockerfileCopiesOnlyFilesThatExistInTheBuildContext() throws IOException {
    List<PathMatcher> ignored = new ArrayList<>();
    for (String line : Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String glob = line.strip().replaceAll("/$", "");
        ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
      }
    }
    assertThat(ignored).isNotEmpty();
    for (Stage stage : dockerfile.stages.values()) {
      for (String copy : stage.all("COPY")) {
        List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
        if (words.stream().anyMatch(w -> w.startsWith("--from="))) {
          continue;
        }
        words.removeIf(w -> w.startsWith("--"));
        for (String source : words.subList(0, words.size() - 1)) {
          if (source.contains("[") || source.contains("*")) {
            continue; // optional by design: a wildcard may match nothing
          }
          assertThat(REPO.resolve(source)).as(stage.name + ": COPY " + copy).exists();
          for (Path p = Path.of(source); p != null; p = p.getParent()) {
            Path inContext = p;
            assertThat(ignored)
                .as(stage.name + ": COPY " + copy + " is in the build context")
                .noneMatch(m -> m.matches(inContext));
          }
        }
      }
    }
  }

  /** The reactor needs every module's pom; the CLI's module closure needs its sources. */
  @Test
  void theImageBuildCopiesEveryModuleTheCliNeeds() throws Exception {
    Stage build = dockerfile.stage("build");
    Set<String> copied = new TreeSet<>();
    for (String copy : build.all("COPY")) {
      copied.add(copy.split("\\s+")[0]);
    }
    List<String> modules = childTexts(REPO.resolve("pom.xml"), "module");
    Map<String, String> moduleOfArtifact = new HashMap<>();
    for (String module : modules) {
      assertThat(copied)
          .as("the reactor reads " + module + "/pom.xml")
          .contains(module + "/pom.xml");
      moduleOfArtifact.put(artifactId(REPO.resolve(module).resolve("pom.xml")), module);
    }
    assertThat(String.join(" ", build.all("RUN"))).contains("-pl cli -am package");
    Set<String> needed = new TreeSet<>();
    List<String> queue = new ArrayList<>(List.of("cli"));
    while (!queue.isEmpty()) {
      String module = queue.remove(0);
      if (!needed.add(module)) {
        continue;
      }
      Path pom = REPO.resolve(module).resolve("pom.xml");
      for (String artifact : childTexts(pom, "artifactId")) {
        if (moduleOfArtifact.containsKey(artifact) && !artifact.equals(artifactId(pom))) {
          queue.add(moduleOfArtifact.get(artifact));
        }
      }
      Matcher outside =
          Pattern.compile("\\$\\{project\\.basedir}/\\.\\./([\\w/.-]+)")
              .matcher(Files.readString(pom));
      while (outside.find()) {
        assertThat(copied).as(module + " reads ../" + outside.group(1)).contains(outside.group(1));
      }
    }
    for (String module : needed) {
      assertThat(copied).as("sources of " + module).contains(module + "/src/main");
    }
    String finalName = childTexts(REPO.resolve("cli/pom.xml"), "finalName").get(0);
    assertThat(String.join(" ", build.all("RUN"))).contains("cli/target/" + finalName + ".jar");
    assertThat(Files.readString(DOCKER.resolve("avloc.sh")))
        .contains("-jar /opt/avloc/" + finalName + ".jar");
  }

  @Test
  void bothImagesRunTheLauncherAsNonRootWithAHealthcheckAndExposeTheirPorts() {
    for (String name : List.of("cpu", "gpu")) {
      Stage stage = dockerfile.stage(name);
      assertThat(stage.last("USER"))
          .as(name)
          .isNotNull()
          .doesNotStartWith("root")
          .doesNotStartWith("0");
      assertThat(stage.last("HEALTHCHECK")).as(name).contains("/ready");
      assertThat(stage.jsonArgs("ENTRYPOINT")).containsExactly("avloc");
      assertThat(stage.all("COPY")).contains("--chmod=0755 docker/avloc.sh /usr/local/bin/avloc");
    }
    for (String service : avlocServices()) {
      String target = services.get(service).at("/build/target").asText();
      Set<String> exposed = new TreeSet<>();
      for (String e : dockerfile.stage(target).all("EXPOSE")) {
        exposed.addAll(List.of(e.split("\\s+")));
      }
      for (int port : listeningPorts(service)) {
        assertThat(exposed).as(service + " on image " + target).contains(Integer.toString(port));
      }
    }
  }

  /** DJL's TensorRT engine links TensorRT 8; NVIDIA's containers moved to TensorRT 10 in 24.05. */
  @Test
  void theGpuImageIsBasedOnATensorRt8Container() {
    String base = dockerfile.stage("gpu").base;
    assertThat(base).startsWith("nvcr.io/nvidia/tensorrt:");
    String tag = base.substring(base.indexOf(':') + 1);
    assertThat(tag)
        .as("a TensorRT 8.6 release: 23.xx or 24.01-24.04")
        .matches("(23\\.\\d\\d|24\\.0[1-4])-py3");
    assertThat(dockerfile.stage("cpu").base).isEqualTo(dockerfile.stage("jre").base);
    assertThat(String.join(" ", dockerfile.stage("gpu").all("COPY")))
        .contains("--from=jre /opt/java/openjdk");
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Services running one of the images built here. */
  private static List<String> avlocServices() {
    List<String> names = new ArrayList<>();
    services.forEach(
        (name, s) -> {
          if (s.has("build")) {
            names.add(name);
          }
        });
    return names;
  }

  /** The avloc arguments of a service: its command, or those of `avloc` in its shell script. */
  private static List<String> avlocArgs(String service) {
    JsonNode s = services.get(service);
    if (!s.has("entrypoint")) {
      return argList(service);
    }
    assertThat(texts(s.get("entrypoint"))).as(service).containsExactly("/bin/sh", "-c");
    String script = s.get("command").get(0).asText();
    Matcher m = Pattern.compile("\\bavloc ([^;&|\\n]+)").matcher(script);
    assertThat(m.find()).as(service + " runs avloc: " + script).isTrue();
    return List.of(interpolate(m.group(1).strip()).split("\\s+"));
  }

  private static List<String> argList(String service) {
    JsonNode command = services.get(service).get("command");
    assertThat(command.isArray()).as(service + ": command as a list").isTrue();
    List<String> args = new ArrayList<>();
    for (String a : texts(command)) {
      args.add(interpolate(a));
    }
    return args;
  }

  /** A flag's value: `--flag value` or `--flag=value`. */
  private static String valueOf(List<String> args, String flag) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(flag) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (args.get(i).startsWith(flag + "=")) {
        return args.get(i).substring(flag.length() + 1);
      }
    }
    throw new AssertionError("no " + flag + " in " + args);
  }

  private static Map<String, String> environment(String service) {
    Map<String, String> env = new LinkedHashMap<>();
    services
        .get(service)
        .path("environment")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  private static StreamsSettings streamsSettings(String service) {
    Map<String, String> env = new HashMap<>();
    environment(service).forEach((k, v) -> env.put(k, interpolate(v)));
    return StreamsSettings.load(null, env, Map.of());
  }

  /** The port of the avloc service's /metrics endpoint, or null when it has none. */
  private static Integer metricsPort(String service) {
    List<String> args = avlocArgs(service);
    return switch (args.get(0)) {
      case "streams" -> streamsSettings(service).getInt("avloc.metrics.port");
      case "serve" -> Integer.parseInt(valueOf(args, "--http-port"));
      default -> null;
    };
  }

  /** Ports a service's process listens on, from its configuration (or its image's default). */
  private static Set<Integer> listeningPorts(String service) {
    Set<Integer> ports = new TreeSet<>();
    switch (service) {
      case "kafka" -> {
        Matcher m =
            Pattern.compile("://[^,]*:(\\d+)").matcher(environment("kafka").get("KAFKA_LISTENERS"));
        while (m.find()) {
          ports.add(Integer.parseInt(m.group(1)));
        }
      }
      case "prometheus" -> {
        assertThat(String.join(" ", argList(service))).doesNotContain("--web.listen-address");
        ports.add(9090);
      }
      case "grafana" -> {
        assertThat(environment(service)).doesNotContainKey("GF_SERVER_HTTP_PORT");
        ports.add(3000);
      }
      default -> {
        if (services.get(service).has("build")) {
          Integer metrics = metricsPort(service);
          if (metrics != null) {
            ports.add(metrics);
          }
          List<String> args = avlocArgs(service);
          if (args.get(0).equals("watch") && args.contains("--http")) {
            ports.add(Integer.parseInt(valueOf(args, "--http")));
          }
        }
      }
    }
    return ports;
  }

  /** Container path → host path of a service's bind mounts (sources relative to docker/). */
  private static Map<String, Path> bindMounts(String service) {
    Map<String, Path> mounts = new HashMap<>();
    for (String v : texts(services.get(service).get("volumes"))) {
      String[] parts = v.split(":");
      if (parts.length > 1 && parts[0].startsWith(".")) {
        mounts.put(parts[1], DOCKER.resolve(parts[0]).normalize());
      }
    }
    return mounts;
  }

  /** Where a service mounts a named volume, or null. */
  private static String volumeTarget(String service, String volume) {
    for (String v : texts(services.get(service).get("volumes"))) {
      String[] parts = v.split(":");
      if (parts.length > 1 && parts[0].equals(volume)) {
        return parts[1];
      }
    }
    return null;
  }

  /** Compose interpolation with every variable unset: ${VAR:-default} becomes default. */
  private static String interpolate(String s) {
    return s.replaceAll("\\$\\{[A-Za-z_]\\w*:-([^}]*)}", "$1");
  }

  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null) {
      node.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static String pomProperty(Path pom, String name) throws Exception {
    return childTexts(pom, name).get(0);
  }

  private static String artifactId(Path pom) throws Exception {
    Element project =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(pom.toFile())
            .getDocumentElement();
    NodeList children = project.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element e && e.getTagName().equals("artifactId")) {
        return e.getTextContent().strip();
      }
    }
    throw new AssertionError(pom + " has no artifactId");
  }

  /** The text of every element named {@code tag} in an XML file, in document order. */
  private static List<String> childTexts(Path xml, String tag) throws Exception {
    NodeList nodes =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(xml.toFile())
            .getElementsByTagName(tag);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent().strip());
    }
    return out;
  }

  /** One build stage: its base image and instructions (keyword, arguments). */
  static final class Stage {
    final String name;
    final String base;
    final List<String[]> instructions = new ArrayList<>();

    Stage(String name, String base) {
      this.name = name;
      this.base = base;
    }

    List<String> all(String keyword) {
      List<String> out = new ArrayList<>();
      for (String[] i : instructions) {
        if (i[0].equals(keyword)) {
          out.add(i[1]);
        }
      }
      return out;
    }

    String last(String keyword) {
      List<String> all = all(keyword);
      return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    List<String> jsonArgs(String keyword) {
      String json = last(keyword);
      assertThat(json).as(name + ": " + keyword + " in exec form").isNotNull().startsWith("[");
      try {
        return List.of(new ObjectMapper().readValue(json, String[].class));
      } catch (IOException e) {
        throw new AssertionError(name + ": " + keyword + " " + json, e);
      }
    }
  }

  /** A Dockerfile read into stages: continuation lines joined, comments dropped, ARGs resolved. */
  static final class Dockerfile {
    final Map<String, Stage> stages = new LinkedHashMap<>();

    Stage stage(String name) {
      assertThat(stages).containsKey(name);
      return stages.get(name);
    }

    static Dockerfile read(Path file) throws IOException {
      Dockerfile d = new Dockerfile();
      Map<String, String> args = new HashMap<>();
      Stage current = null;
      StringBuilder line = new StringBuilder();
      for (String raw : Files.readAllLines(file)) {
        if (raw.strip().startsWith("#")) {
          continue;
        }
        if (raw.endsWith("\\")) {
          line.append(raw, 0, raw.length() - 1).append(' ');
          continue;
        }
        line.append(raw);
        String full = line.toString().strip().replaceAll("\\s+", " ");
        line.setLength(0);
        if (full.isEmpty()) {
          continue;
        }
        String keyword = full.split(" ", 2)[0].toUpperCase();
        String rest = full.contains(" ") ? full.split(" ", 2)[1] : "";
        if (keyword.equals("FROM")) {
          String[] w = rest.split(" ");
          String base = w[0];
          for (Map.Entry<String, String> a : args.entrySet()) {
            base = base.replace("${" + a.getKey() + "}", a.getValue());
          }
          if (d.stages.containsKey(base)) {
            base = d.stages.get(base).base;
          }
          String name = w.length == 3 ? w[2] : "stage" + d.stages.size();
          current = new Stage(name, base);
          d.stages.put(name, current);
        } else if (current == null && keyword.equals("ARG")) {
          String[] kv = rest.split("=", 2);
          args.put(kv[0], kv.length == 2 ? kv[1] : "");
        } else if (current != null) {
          current.instructions.add(new String[] {keyword, rest});
        }
      }
      return d;
    }
  }
}
