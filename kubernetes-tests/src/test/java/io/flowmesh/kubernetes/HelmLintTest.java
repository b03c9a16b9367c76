package io.flowmesh.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code helm lint --strict} of the chart as shipped and as configured for each example pipeline. */
class HelmLintTest {

  @TempDir
  Path dir;

  @Test
  void theChartAsShippedLintsCleanAndRendersNothingWithoutAPipeline() {
    LintResult lint = Helm.lint(Repo.CHART);
    assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
    assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]")), lint.getMessages().toString());
    Rendered r = Rendered.of("empty", "default", List.of());
    assertTrue(r.objects().isEmpty(), "no vertices, no objects: " + r.objects());
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "even-odd", "three-maps", "join", "kafka"})
  void theChartLintsCleanWithTheValuesOfEachExamplePipeline(String pipeline) {
    Map<String, Object> values = PipelineValues.load(Repo.example(pipeline));
    values.put("edgeToken", Map.of("value", "lint-token"));
    values.put("autoscaling", Map.of("enabled", true));
    values.put("metrics", Map.of("annotations", true, "podMonitor", Map.of("enabled", true, "interval", "15s", "labels", Map.of())));
    Path chart = Helm.chartWith(dir, values);
    LintResult lint = Helm.lint(chart);
    assertFalse(lint.isFailed(), pipeline + ":\n" + String.join("\n", lint.getMessages()));
    assertTrue(lint.getMessages().stream().noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]")),
        pipeline + ": " + lint.getMessages());
  }
}
