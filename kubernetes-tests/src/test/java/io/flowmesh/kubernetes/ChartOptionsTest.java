package io.flowmesh.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.flowmesh.runtime.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The chart's options beyond the pipeline: edge TLS from a Secret, the token's source, and what it refuses. */
class ChartOptionsTest {

  @TempDir
  Path dir;

  private Rendered render(String extra) throws Exception {
    Path values = PipelineValues.write(Repo.example("even-odd"), dir);
    return Rendered.of("eo", "pipelines", List.of(values, Files.writeString(dir.resolve("extra.yaml"), extra)));
  }

  @Test
  void edgeTlsMountsTheSecretAndPointsTheServicesAtItsFiles() throws Exception {
    Rendered r = render("edgeToken: {value: t}\nedgeTls: {enabled: true, secretName: edge-tls, mutual: true}\n");
    for (Deployment d : r.deployments()) {
      Container c = RenderedPipelineTest.vertexContainer(d);
      Settings s = ServiceSettings.load(RenderedPipelineTest.kindOf(d), c);
      Map<String, String> e = s.effective();
      assertEquals("true", e.get("tls.enabled"));
      assertEquals("true", e.get("tls.mutual"));
      VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals("edge-tls")).findFirst().orElseThrow();
      assertEquals(Boolean.TRUE, mount.getReadOnly());
      for (String key : List.of("tls.cert", "tls.key", "tls.ca")) {
        assertTrue(e.get(key).startsWith(mount.getMountPath() + "/"), key + "=" + e.get(key) + " inside " + mount.getMountPath());
      }
      Volume v = d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(x -> x.getName().equals("edge-tls")).findFirst().orElseThrow();
      assertEquals("edge-tls", v.getSecret().getSecretName());
    }
  }

  @Test
  void anExistingTokenSecretIsUsedAndNoneIsMade() throws Exception {
    Rendered r = render("edgeToken: {existingSecret: my-token, key: edge}\n");
    assertTrue(r.secrets().isEmpty(), "no Secret of the chart's");
    for (Deployment d : r.deployments()) {
      var ref = RenderedPipelineTest.vertexContainer(d).getEnv().stream().filter(v -> v.getName().equals("FLOWMESH_EDGE_TOKEN")).findFirst()
          .orElseThrow().getValueFrom().getSecretKeyRef();
      assertEquals("my-token", ref.getName());
      assertEquals("edge", ref.getKey());
    }
  }

  @Test
  void withoutATokenOrTlsWithoutItsSecretNothingRendersAndHelmSaysWhatIsMissing() {
    Throwable noToken = assertThrows(RuntimeException.class, () -> render("{}\n"));
    assertTrue(noToken.getMessage().contains("edgeToken: set edgeToken.value"), noToken.getMessage());
    Throwable noTls = assertThrows(RuntimeException.class, () -> render("edgeToken: {value: t}\nedgeTls: {enabled: true}\n"));
    assertTrue(noTls.getMessage().contains("edgeTls.secretName"), noTls.getMessage());
  }

  @Test
  @SuppressWarnings("unchecked")
  void aMapsOwnEdgeInputBytesWinsOverTheChartsShareOfItsHeap() throws Exception {
    Map<String, Object> values = PipelineValues.load(Repo.example("even-odd"));
    Map<String, Object> map = ((List<Map<String, Object>>) values.get("vertices")).stream()
        .filter(v -> "map".equals(v.get("kind"))).findFirst().orElseThrow();
    ((Map<String, Object>) map.computeIfAbsent("env", k -> new LinkedHashMap<>())).put("FLOWMESH_EDGE_INPUT_BYTES", "100MiB");
    Path file = Files.writeString(dir.resolve("own.values.yaml"), new Yaml().dump(values));
    Rendered r = Rendered.of("eo", "pipelines", List.of(file, Files.writeString(dir.resolve("token.yaml"), "edgeToken: {value: t}\n")));
    Deployment d = r.deployments().stream().filter(x -> x.getMetadata().getName().endsWith("-" + map.get("name"))).findFirst().orElseThrow();
    List<String> set = RenderedPipelineTest.vertexContainer(d).getEnv().stream()
        .filter(e -> e.getName().equals("FLOWMESH_EDGE_INPUT_BYTES")).map(e -> e.getValue()).toList();
    assertEquals(List.of("100MiB"), set, "the vertex's own value, once");
  }

  @Test
  void aMemoryLimitTheHeapCannotBeSizedFromIsRefusedByName() {
    Throwable bad = assertThrows(RuntimeException.class,
        () -> render("edgeToken: {value: t}\nresources:\n  sink:\n    limits: {cpu: '1', memory: 0.5Gi}\n"));
    assertTrue(bad.getMessage().contains("memory limit \"0.5Gi\": give it as a whole number of Mi or Gi"), bad.getMessage());
  }
}
