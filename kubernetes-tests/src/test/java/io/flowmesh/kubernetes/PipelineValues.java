package io.flowmesh.kubernetes;

import io.flowmesh.pipeline.deploy.DeploymentModel;
import io.flowmesh.pipeline.deploy.HelmValuesRenderer;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.SpecParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** A pipeline spec's values for the chart, rendered as {@code scripts/run-spec.sh --render helm-values} renders them. */
final class PipelineValues {

  private PipelineValues() {
  }

  /** The values' text. */
  static String render(Path spec) {
    try {
      return HelmValuesRenderer.render(DeploymentModel.of(SpecParser.load(spec)), spec.toString());
    } catch (SpecException e) {
      throw new AssertionError("the spec " + spec + " does not render: " + e.getMessage(), e);
    }
  }

  /** The values, written to {@code dir/<spec name>.values.yaml}. */
  static Path write(Path spec, Path dir) {
    try {
      String name = spec.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      return Files.writeString(dir.resolve(name + ".values.yaml"), render(spec));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The values as a map. */
  static Map<String, Object> load(Path spec) {
    return new Yaml().load(render(spec));
  }
}
