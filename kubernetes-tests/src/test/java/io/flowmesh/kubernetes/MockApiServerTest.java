package io.flowmesh.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered objects applied to fabric8's in-JVM mock API server in CRUD mode (it stores what it
 * is given, as an API server would, but runs no controller) and read back: every object is
 * accepted, and what is read back is what was rendered.
 */
@EnableKubernetesMockClient(crud = true)
class MockApiServerTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  @TempDir
  static Path dir;
  private static Rendered rendered;
  private static Rendered scaled;

  @BeforeAll
  static void renderAndApply() throws Exception {
    Path values = PipelineValues.write(Repo.example("even-odd"), dir);
    Path extra = Files.writeString(dir.resolve("extra.yaml"), """
        edgeToken: {value: mock-token}
        autoscaling: {enabled: true}
        metrics: {podMonitor: {enabled: true}}
        """);
    rendered = Rendered.of("even-odd", "pipelines", List.of(values, extra));
    // a second release beside it, whose map and sink may scale: ScaledObjects too
    scaled = Rendered.of("scaled", "pipelines", List.of(PipelineValues.write(Path.of("src/test/resources/autoscaled.yaml"), dir), extra));
    // the custom resources' definitions first, as KEDA's and the Prometheus Operator's charts install them
    client.apiextensions().v1().customResourceDefinitions().resource(crd("keda.sh", "v1alpha1", "ScaledObject", "scaledobjects")).create();
    client.apiextensions().v1().customResourceDefinitions().resource(crd("monitoring.coreos.com", "v1", "PodMonitor", "podmonitors")).create();
    for (Rendered r : List.of(rendered, scaled)) {
      for (HasMetadata o : r.objects()) {
        client.resource(o).inNamespace("pipelines").create();
      }
    }
  }

  private static CustomResourceDefinition crd(String group, String version, String kind, String plural) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec().withGroup(group).withScope("Namespaced")
        .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase()).endNames()
        .addNewVersion().withName(version).withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build();
  }

  @Test
  void everyRenderedObjectIsStoredAndReadsBackAsRendered() {
    for (Rendered r : List.of(rendered, scaled)) {
      readsBack(r);
    }
    assertEquals(2, client.genericKubernetesResources("keda.sh/v1alpha1", "ScaledObject").inNamespace("pipelines").list().getItems().size(),
        "the scaled release's map and sink");
    assertEquals(2, client.genericKubernetesResources("monitoring.coreos.com/v1", "PodMonitor").inNamespace("pipelines").list().getItems().size(),
        "one per release");
  }

  private static void readsBack(Rendered rendered) {
    for (Deployment d : rendered.deployments()) {
      Deployment back = client.apps().deployments().inNamespace("pipelines").withName(d.getMetadata().getName()).get();
      assertNotNull(back, d.getMetadata().getName());
      assertEquals(d.getSpec(), back.getSpec(), d.getMetadata().getName());
    }
    for (Service s : rendered.services()) {
      Service back = client.services().inNamespace("pipelines").withName(s.getMetadata().getName()).get();
      assertEquals(s.getSpec(), back.getSpec(), s.getMetadata().getName());
    }
    for (PodDisruptionBudget p : rendered.disruptionBudgets()) {
      PodDisruptionBudget back = client.policy().v1().podDisruptionBudget().inNamespace("pipelines").withName(p.getMetadata().getName()).get();
      assertEquals(p.getSpec(), back.getSpec(), p.getMetadata().getName());
    }
    Secret token = rendered.secrets().get(0);
    assertEquals(token.getData(), client.secrets().inNamespace("pipelines").withName(token.getMetadata().getName()).get().getData());
    for (String[] kind : new String[][] {{"keda.sh/v1alpha1", "ScaledObject"}, {"monitoring.coreos.com/v1", "PodMonitor"}}) {
      List<GenericKubernetesResource> mine = rendered.generic(kind[0], kind[1]);
      for (GenericKubernetesResource g : mine) {
        GenericKubernetesResource back = client.genericKubernetesResources(kind[0], kind[1]).inNamespace("pipelines")
            .withName(g.getMetadata().getName()).get();
        assertEquals(g.getAdditionalProperties().get("spec"), back.getAdditionalProperties().get("spec"), g.getMetadata().getName());
      }
    }
  }

  @Test
  void theReleaseLabelFindsEveryVertexAndTheVertexLabelOne() {
    assertEquals(rendered.deployments().size() + 1,
        client.apps().deployments().inNamespace("pipelines").withLabel("app.kubernetes.io/instance", "even-odd").list().getItems().size(),
        "every vertex and the console");
    assertEquals(List.of("even-odd-even-sink"), client.apps().deployments().inNamespace("pipelines")
        .withLabel("flowmesh.io/vertex", "even-sink").list().getItems().stream().map(d -> d.getMetadata().getName()).toList());
    assertEquals(4, rendered.deployments().size(), "even-odd: in, even-or-odd, even-sink, odd-sink");
  }
}
