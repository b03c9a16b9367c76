package io.flowmesh.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@code helm template} rendered, each document parsed into fabric8's typed model (a kind it
 * has no class for, such as KEDA's ScaledObject, as a {@link GenericKubernetesResource}).
 */
record Rendered(String release, String namespace, String text, List<HasMetadata> objects) {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  /** The chart rendered with {@code values} for release {@code release} in {@code namespace}. */
  static Rendered of(String release, String namespace, List<Path> values) {
    String text = Helm.template(Repo.CHART, release, namespace, values);
    // helm-java gives null, not "", when nothing was rendered
    return parse(release, namespace, text == null ? "" : text);
  }

  static Rendered parse(String release, String namespace, String text) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : DOCUMENT_SEPARATOR.split(text)) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      Object o = SERIALIZATION.unmarshal(doc);
      if (!(o instanceof HasMetadata h)) {
        throw new AssertionError("a rendered document is no Kubernetes object (" + (o == null ? "empty" : o.getClass().getName()) + "):\n" + doc);
      }
      objects.add(h);
    }
    return new Rendered(release, namespace, text, List.copyOf(objects));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The vertices' Deployments (labelled {@code flowmesh.io/vertex}): not the console's. */
  List<Deployment> deployments() {
    return all(Deployment.class).stream().filter(d -> d.getMetadata().getLabels().containsKey("flowmesh.io/vertex")).toList();
  }

  /** The vertices' Services (labelled {@code flowmesh.io/vertex}): not the console's. */
  List<Service> services() {
    return all(Service.class).stream().filter(s -> s.getMetadata().getLabels().containsKey("flowmesh.io/vertex")).toList();
  }

  List<PodDisruptionBudget> disruptionBudgets() {
    return all(PodDisruptionBudget.class);
  }

  List<Secret> secrets() {
    return all(Secret.class);
  }

  /** Objects of a kind fabric8 has no class for, by apiVersion and kind. */
  List<GenericKubernetesResource> generic(String apiVersion, String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(g -> apiVersion.equals(g.getApiVersion()) && kind.equals(g.getKind())).toList();
  }

  <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name + " among "
            + all(type).stream().map(o -> o.getMetadata().getName()).toList()));
  }

  /** The object name of a vertex: {@code <release>-<vertex>}. */
  String nameOf(String vertex) {
    return release + "-" + vertex;
  }

  /** Whether {@code selector} selects a pod with {@code labels}. */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return !selector.isEmpty() && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}
