package io.flowmesh.kubernetes;

import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Helm itself (helm-java: Helm's Go code as a native library, in this JVM), offline. */
final class Helm {

  /** The Kubernetes version templates are rendered for (the chart needs 1.29+: native sidecars). */
  static final String KUBE_VERSION = "1.31.0";

  private Helm() {
  }

  /** {@code helm lint --strict} of the chart in {@code chart}. */
  static LintResult lint(Path chart) {
    return new com.marcnuri.helm.Helm(chart).lint().strict().call();
  }

  /** {@code helm template RELEASE CHART -n NAMESPACE -f VALUES...}: the manifests' text. */
  static String template(Path chart, String release, String namespace, List<Path> values) {
    var t = new com.marcnuri.helm.Helm(chart).template().withName(release).withNamespace(namespace).withKubeVersion(KUBE_VERSION);
    for (Path v : values) {
      t = t.withValuesFile(v);
    }
    return t.call();
  }

  /**
   * A copy of the chart in {@code dir} whose values.yaml is the chart's with {@code overrides}
   * merged in (top-level keys replaced): what {@code helm lint} checks, as it takes no values file.
   */
  @SuppressWarnings("unchecked")
  static Path chartWith(Path dir, Map<String, Object> overrides) {
    try {
      Path copy = dir.resolve("flowmesh");
      try (Stream<Path> files = Files.walk(Repo.CHART)) {
        for (Path f : files.sorted(Comparator.naturalOrder()).toList()) {
          Path target = copy.resolve(Repo.CHART.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(target);
          } else {
            Files.copy(f, target);
          }
        }
      }
      Map<String, Object> values = new LinkedHashMap<>((Map<String, Object>) new Yaml().load(Files.readString(copy.resolve("values.yaml"))));
      merge(values, overrides);
      DumperOptions o = new DumperOptions();
      o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      Files.writeString(copy.resolve("values.yaml"), new Yaml(o).dump(values));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code overrides} merged into {@code values} as Helm merges values files: maps key by key, anything else replaced. */
  @SuppressWarnings("unchecked")
  static void merge(Map<String, Object> values, Map<String, Object> overrides) {
    overrides.forEach((k, v) -> {
      if (v instanceof Map<?, ?> m && values.get(k) instanceof Map<?, ?> old) {
        Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) old);
        merge(merged, (Map<String, Object>) m);
        values.put(k, merged);
      } else {
        values.put(k, v);
      }
    });
  }
}
