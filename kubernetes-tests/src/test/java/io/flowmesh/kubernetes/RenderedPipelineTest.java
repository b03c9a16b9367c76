package io.flowmesh.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.flowmesh.pipeline.spec.EdgeSpec;
import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.SpecParser;
import io.flowmesh.pipeline.spec.VertexSpec;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart rendered ({@code helm template}, in the JVM) with the values of each example pipeline,
 * every object parsed into fabric8's model and checked against what the services read and serve.
 */
class RenderedPipelineTest {

  static final String NAMESPACE = "pipelines";
  private static final Pattern TCP = Pattern.compile("tcp://([^:/]+):(\\d+)");
  private static final Pattern HOST_PORT = Pattern.compile("([a-z0-9-]+):(\\d+)");

  @TempDir
  static Path dir;
  private static final Map<String, Rendered> RENDERED = new HashMap<>();

  static Stream<String> pipelines() {
    return Stream.of("default", "even-odd", "three-maps", "join");
  }

  /** The chart rendered with the pipeline's values and a token, release named after the pipeline. */
  static synchronized Rendered rendered(String pipeline) throws IOException {
    Rendered r = RENDERED.get(pipeline);
    if (r == null) {
      Path values = PipelineValues.write(Repo.example(pipeline), dir);
      Path token = Files.writeString(dir.resolve("token.yaml"), "edgeToken:\n  value: test-token-0123456789\n");
      r = Rendered.of(pipeline, NAMESPACE, List.of(values, token));
      RENDERED.put(pipeline, r);
    }
    return r;
  }

  static PipelineSpec spec(String pipeline) throws Exception {
    return SpecParser.load(Repo.example(pipeline));
  }

  static Container vertexContainer(Deployment d) {
    List<Container> main = d.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, main.size(), d.getMetadata().getName() + ": one vertex container, UDFs are sidecars: " + main);
    return main.get(0);
  }

  static String kindOf(Deployment d) {
    return d.getSpec().getTemplate().getMetadata().getLabels().get("app.kubernetes.io/component");
  }

  static int port(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + name + ": " + c.getPorts()));
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void everyVertexHasADeploymentAHeadlessServiceAndADisruptionBudget(String pipeline) throws Exception {
    Rendered r = rendered(pipeline);
    PipelineSpec spec = spec(pipeline);
    assertEquals(spec.vertices().size(), r.deployments().size(), "Deployments");
    assertEquals(spec.vertices().size(), r.services().size(), "Services");
    assertEquals(spec.vertices().size(), r.disruptionBudgets().size(), "PodDisruptionBudgets");
    for (VertexSpec v : spec.vertices()) {
      Deployment d = r.named(Deployment.class, r.nameOf(v.name()));
      assertEquals(NAMESPACE, d.getMetadata().getNamespace());
      assertEquals(v.replicas(), d.getSpec().getReplicas(), v.name() + ": scale.min replicas");
      assertEquals(v.kind().service(), kindOf(d));
      Service s = r.named(Service.class, r.nameOf(v.name()));
      assertEquals("None", s.getSpec().getClusterIP(), "headless: the name resolves to every replica");
      PodDisruptionBudget pdb = r.named(PodDisruptionBudget.class, r.nameOf(v.name()));
      assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
      assertTrue(Rendered.selects(pdb.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels()),
          "the budget covers the vertex's pods");
    }
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void containersRunTheServiceJarsTheImageHolds(String pipeline) throws Exception {
    Rendered r = rendered(pipeline);
    String dockerfile = Files.readString(Repo.path("Dockerfile"));
    for (Deployment d : r.deployments()) {
      Container c = vertexContainer(d);
      String jar = "/app/" + kindOf(d) + "-service.jar";
      assertEquals("flowmesh:0.1.0", c.getImage(), "the chart's default image");
      assertEquals(List.of("java", "-jar", jar), c.getCommand());
      assertTrue(dockerfile.contains(" " + jar + "\n"), "the Dockerfile copies " + jar);
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      for (Container udf : pod.getInitContainers()) {
        assertEquals("Always", udf.getRestartPolicy(), udf.getName() + ": a native sidecar (runs beside the vertex, stops after it)");
        if (udf.getImage().startsWith("flowmesh:")) {
          assertEquals(List.of("java", "-jar", "/app/flowmesh-udf.jar"), udf.getCommand().subList(0, 3), "a builtin UDF");
          assertTrue(dockerfile.contains(" /app/flowmesh-udf.jar\n"), "the Dockerfile copies flowmesh-udf.jar");
        }
      }
      String jdkOptions = ServiceSettings.env(c).get("JDK_JAVA_OPTIONS");
      if (jdkOptions != null && jdkOptions.startsWith("@")) {
        String file = jdkOptions.substring(1).split(" ")[0];
        assertTrue(dockerfile.contains(" " + file + "\n"), "the Dockerfile copies the JVM options file " + file);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void everySettingIsOneTheServiceReadsAndAccepts(String pipeline) throws Exception {
    Rendered r = rendered(pipeline);
    for (Deployment d : r.deployments()) {
      Container c = vertexContainer(d);
      Settings s = ServiceSettings.load(kindOf(d), c);
      String vertex = d.getSpec().getTemplate().getMetadata().getLabels().get("flowmesh.io/vertex");
      assertEquals(vertex, s.effective().get("vertex.name"), "vertex.name");
      assertEquals("0.0.0.0", s.effective().get("bind.host"), "listens on the pod's addresses");
      for (EnvVar e : c.getEnv()) {
        if (e.getName().startsWith("FLOWMESH_")) {
          assertFalse(e.getName().equals("FLOWMESH_CONFIG"), "no config file");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void portsAreTheOnesTheServicesListenOnAndTheUdfsServe(String pipeline) throws Exception {
    Rendered r = rendered(pipeline);
    for (Deployment d : r.deployments()) {
      String kind = kindOf(d);
      Container c = vertexContainer(d);
      Map<String, String> s = ServiceSettings.load(kind, c).effective();
      assertEquals(Integer.parseInt(s.get(kind + ".http.port")), port(c, "http"), kind + ".http.port");
      Service svc = r.named(Service.class, d.getMetadata().getName());
      if (kind.equals("sink")) {
        assertTrue(c.getPorts().stream().noneMatch(p -> "edge".equals(p.getName())), "a sink serves no edge");
      } else {
        int edge = Integer.parseInt(s.get(kind + ".edge.port"));
        assertEquals(edge, port(c, "edge"), kind + ".edge.port");
        ServicePort sp = svc.getSpec().getPorts().stream().filter(p -> "edge".equals(p.getName())).findFirst().orElseThrow();
        assertEquals(edge, sp.getPort());
        assertEquals("edge", sp.getTargetPort().getStrVal());
      }
      // each UDF address points at a sidecar of the same pod, on the port it listens on
      List<Container> sidecars = d.getSpec().getTemplate().getSpec().getInitContainers();
      List<String> addresses = new ArrayList<>();
      s.forEach((key, value) -> {
        if (key.endsWith(".address") && value != null && value.startsWith("tcp://127.0.0.1:")) {
          addresses.add(value);
        }
      });
      assertEquals(sidecars.size(), addresses.size(), d.getMetadata().getName() + ": a UDF address per sidecar: " + addresses);
      for (String address : addresses) {
        Matcher m = TCP.matcher(address);
        assertTrue(m.matches(), address);
        int p = Integer.parseInt(m.group(2));
        Container sidecar = sidecars.stream().filter(u -> u.getPorts().stream().anyMatch(cp -> cp.getContainerPort() == p)).findFirst()
            .orElseThrow(() -> new AssertionError(address + ": no sidecar listens on " + p));
        List<String> argv = new ArrayList<>(sidecar.getCommand() == null ? List.of() : sidecar.getCommand());
        argv.addAll(sidecar.getArgs() == null ? List.of() : sidecar.getArgs());
        if (sidecar.getImage().startsWith("flowmesh:")) {
          assertEquals("tcp://0.0.0.0:" + p, argv.get(argv.indexOf("--address") + 1), "the builtin UDF listens where the vertex dials");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void probesAskLivezAndReadyzOnTheHttpPort(String pipeline) throws Exception {
    for (Deployment d : rendered(pipeline).deployments()) {
      Container c = vertexContainer(d);
      for (Probe p : new Probe[] {c.getStartupProbe(), c.getLivenessProbe()}) {
        assertEquals("/livez", p.getHttpGet().getPath());
        assertEquals("http", p.getHttpGet().getPort().getStrVal());
      }
      assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
      assertEquals("http", c.getReadinessProbe().getHttpGet().getPort().getStrVal());
      for (Container udf : d.getSpec().getTemplate().getSpec().getInitContainers()) {
        int listens = udf.getPorts().get(0).getContainerPort();
        assertEquals(listens, udf.getStartupProbe().getTcpSocket().getPort().getIntVal(), "the UDF's probe: its gRPC port accepts");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void eachServiceSelectsThePodsOfItsVertexAndNoOthers(String pipeline) throws Exception {
    Rendered r = rendered(pipeline);
    for (Service s : r.services()) {
      for (Deployment d : r.deployments()) {
        boolean selects = Rendered.selects(s.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels());
        assertEquals(s.getMetadata().getName().equals(d.getMetadata().getName()), selects,
            "Service " + s.getMetadata().getName() + " selecting the pods of " + d.getMetadata().getName());
      }
    }
    for (Deployment d : r.deployments()) {
      assertTrue(Rendered.selects(d.getSpec().getSelector().getMatchLabels(), d.getSpec().getTemplate().getMetadata().getLabels()),
          "a Deployment selects its own pods");
    }
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void subscribersDialTheEdgePortOfTheirUpstreamVertexService(String pipeline) throws Exception {
    Rendered r = rendered(pipeline);
    PipelineSpec spec = spec(pipeline);
    for (VertexSpec v : spec.vertices()) {
      if (v.kind().service().equals("source")) {
        continue;
      }
      Deployment d = r.named(Deployment.class, r.nameOf(v.name()));
      Map<String, String> s = ServiceSettings.load(v.kind().service(), vertexContainer(d)).effective();
      List<EdgeSpec> in = spec.edgesTo(v.name());
      for (EdgeSpec e : in) {
        String key = in.size() == 1 ? v.kind().service() + ".upstream" : v.kind().service() + ".upstream." + e.from();
        String address = s.get(key);
        assertNotNull(address, v.name() + ": " + key + " in " + s.keySet());
        Matcher m = HOST_PORT.matcher(address);
        assertTrue(m.matches(), key + "=" + address);
        assertEquals(r.nameOf(e.from()), m.group(1), key + ": the upstream vertex's Service");
        Service upstream = r.named(Service.class, m.group(1));
        assertTrue(upstream.getSpec().getPorts().stream()
            .anyMatch(p -> "edge".equals(p.getName()) && p.getPort() == Integer.parseInt(m.group(2))), key + ": its edge port");
        Deployment from = r.named(Deployment.class, r.nameOf(e.from()));
        assertEquals(Integer.parseInt(m.group(2)), port(vertexContainer(from), "edge"), "the upstream's container edge port");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void theGracePeriodIsAboveTheShutdownTimeout(String pipeline) throws Exception {
    for (Deployment d : rendered(pipeline).deployments()) {
      Map<String, String> s = ServiceSettings.load(kindOf(d), vertexContainer(d)).effective();
      long shutdownMillis = Types.DURATION.parse(s.get("shutdown.timeout")).toMillis();
      long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
      assertTrue(grace * 1000 > shutdownMillis, d.getMetadata().getName() + ": grace " + grace + " s, shutdown.timeout " + s.get("shutdown.timeout"));
    }
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void theEdgeTokenComesFromTheSecretAndNowhereElse(String pipeline) throws Exception {
    Rendered r = rendered(pipeline);
    assertEquals(1, r.secrets().size());
    Secret secret = r.secrets().get(0);
    for (Deployment d : r.deployments()) {
      EnvVar token = vertexContainer(d).getEnv().stream().filter(e -> e.getName().equals("FLOWMESH_EDGE_TOKEN")).findFirst().orElseThrow();
      assertNull(token.getValue(), "not in the manifest");
      assertEquals(secret.getMetadata().getName(), token.getValueFrom().getSecretKeyRef().getName());
      String key = token.getValueFrom().getSecretKeyRef().getKey();
      assertEquals("test-token-0123456789", new String(Base64.getDecoder().decode(secret.getData().get(key))));
    }
    assertEquals(1, r.text().split("dGVzdC10b2tlbi0wMTIzNDU2Nzg5", -1).length - 1, "the token appears once, in the Secret");
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void theHeapIsSizedFromTheMemoryLimitAndTheJvmFitsIt(String pipeline) throws Exception {
    for (Deployment d : rendered(pipeline).deployments()) {
      Container c = vertexContainer(d);
      long limitMiB = c.getResources().getLimits().get("memory").getNumericalAmount().longValue() / (1024 * 1024);
      String options = ServiceSettings.env(c).get("JDK_JAVA_OPTIONS");
      assertNotNull(options, "JDK_JAVA_OPTIONS");
      long xmx = lastMiB(options, "-Xmx");
      assertEquals(limitMiB / 2, xmx, "heap = 50% of the memory limit: " + options);
      assertEquals(xmx, lastMiB(options, "-Xms"), "a fixed heap: " + options);
      long nonHeap = 0;
      if (options.startsWith("@")) {
        // the options file's caps beyond the heap (map-service/jvm.options, copied to /app)
        String file = Files.readString(Repo.path("map-service/jvm.options"));
        nonHeap = lastMiB(file, "-XX:MaxMetaspaceSize=") + lastMiB(file, "-XX:MaxDirectMemorySize=");
        assertEquals(112, nonHeap, "metaspace 64 + direct 48 MB");
        // a map's byte bound on its input grows with the heap the chart gives it: a fifth
        assertEquals(Math.max(8, xmx / 5) + "MiB", ServiceSettings.env(c).get("FLOWMESH_EDGE_INPUT_BYTES"),
            d.getMetadata().getName() + ": edge.input-bytes from a heap of " + xmx + " MiB");
      }
      // heap + capped metaspace and direct memory + ~64 MB for code cache, threads, GC structures
      assertTrue(xmx + nonHeap + 64 <= limitMiB, d.getMetadata().getName() + ": " + options + " within " + limitMiB + " MiB");
      assertEquals(c.getResources().getLimits().get("memory"), c.getResources().getRequests().get("memory"),
          "memory request = limit: the pod is not evicted for using what it was sized for");
    }
  }

  private static long lastMiB(String options, String flag) {
    Matcher m = Pattern.compile(Pattern.quote(flag) + "(\\d+)([mMgG])").matcher(options);
    long v = -1;
    while (m.find()) {
      v = Long.parseLong(m.group(1)) * (m.group(2).equalsIgnoreCase("g") ? 1024 : 1);
    }
    assertTrue(v >= 0, flag + " in " + options);
    return v;
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void podsAreScrapedOnTheHttpPortAndGetNoServiceLinkVariables(String pipeline) throws Exception {
    for (Deployment d : rendered(pipeline).deployments()) {
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      assertEquals(Boolean.FALSE, pod.getEnableServiceLinks(), "no <SERVICE>_PORT variables, which could read as FLOWMESH_ settings");
      Map<String, String> a = d.getSpec().getTemplate().getMetadata().getAnnotations();
      assertEquals("true", a.get("prometheus.io/scrape"));
      assertEquals("/metrics", a.get("prometheus.io/path"));
      assertEquals(String.valueOf(port(vertexContainer(d), "http")), a.get("prometheus.io/port"));
      assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
    }
  }
}
