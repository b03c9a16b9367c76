package io.flowmesh.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.VertexSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The console's Deployment and Service in the rendered chart (docs/console.md). */
class RenderedConsoleTest {

  @TempDir
  static Path dir;

  static java.util.stream.Stream<String> pipelines() {
    return RenderedPipelineTest.pipelines();
  }

  private static Rendered render(String pipeline, String extraValues) throws Exception {
    Path sub = Files.createDirectories(dir.resolve(pipeline + "-" + Math.abs(extraValues.hashCode())));
    Path values = PipelineValues.write(Repo.example(pipeline), sub);
    Path extra = Files.writeString(sub.resolve("extra.yaml"), "edgeToken:\n  value: test-token-0123456789\n" + extraValues);
    return Rendered.of(pipeline, RenderedPipelineTest.NAMESPACE, List.of(values, extra));
  }

  @ParameterizedTest
  @MethodSource("pipelines")
  void theConsoleRunsItsJarAndPollsEveryVertexServiceOnItsHttpPort(String pipeline) throws Exception {
    Rendered r = render(pipeline, "");
    PipelineSpec spec = RenderedPipelineTest.spec(pipeline);
    Deployment d = r.named(Deployment.class, pipeline + "-console");
    List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, containers.size());
    Container c = containers.get(0);
    assertEquals(List.of("java", "-jar", "/app/flowmesh-console.jar"), c.getCommand());
    assertTrue(Files.readString(Repo.path("Dockerfile")).contains(" /app/flowmesh-console.jar\n"), "the Dockerfile copies the console's jar");
    Map<String, String> env = ServiceSettings.env(c);
    List<String> expected = new ArrayList<>();
    for (VertexSpec v : spec.vertices()) {
      Deployment vd = r.named(Deployment.class, r.nameOf(v.name()));
      int http = RenderedPipelineTest.port(RenderedPipelineTest.vertexContainer(vd), "http");
      Service vs = r.named(Service.class, r.nameOf(v.name()));
      assertTrue(vs.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == http), v.name() + "'s Service serves its HTTP port");
      expected.add(v.name() + "=" + r.nameOf(v.name()) + ":" + http);
    }
    assertEquals(String.join(",", expected), env.get("FLOWMESH_CONSOLE_VERTICES"), "every vertex, at its Service and HTTP port");
    assertEquals(spec.name(), env.get("FLOWMESH_CONSOLE_TITLE"), "the spec's name as the page's title");
    int port = RenderedPipelineTest.port(c, "http");
    assertEquals(String.valueOf(port), env.get("FLOWMESH_CONSOLE_PORT"));
    assertEquals("/livez", c.getLivenessProbe().getHttpGet().getPath());
    assertEquals("/readyz", c.getReadinessProbe().getHttpGet().getPath());
    assertEquals("http", c.getReadinessProbe().getHttpGet().getPort().getStrVal());

    Service s = r.named(Service.class, pipeline + "-console");
    assertEquals("http", s.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    assertEquals(port, s.getSpec().getPorts().get(0).getPort());
    assertTrue(Rendered.selects(s.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels()), "selects the console");
    for (Deployment vertex : r.deployments()) {
      assertFalse(Rendered.selects(s.getSpec().getSelector(), vertex.getSpec().getTemplate().getMetadata().getLabels()),
          "the console's Service selects no vertex pod: " + vertex.getMetadata().getName());
    }
  }

  @Test
  void consoleEnabledFalseRendersNoConsole() throws Exception {
    Rendered r = render("default", "console:\n  enabled: false\n");
    assertTrue(r.all(Deployment.class).stream().noneMatch(d -> d.getMetadata().getName().endsWith("-console")),
        "no console Deployment");
    assertEquals(r.deployments().size(), r.all(Deployment.class).size());
  }
}
