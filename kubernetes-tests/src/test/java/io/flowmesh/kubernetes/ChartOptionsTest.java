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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void aMemoryLimitTheHeapCannotBeSizedFromIsRefusedByName() {
    Throwable bad = assertThrows(RuntimeException.class,
        () -> render("edgeToken: {value: t}\nresources:\n  sink:\n    limits: {cpu: '1', memory: 0.5Gi}\n"));
    assertTrue(bad.getMessage().contains("memory limit \"0.5Gi\": give it as a whole number of Mi or Gi"), bad.getMessage());
  }
}
