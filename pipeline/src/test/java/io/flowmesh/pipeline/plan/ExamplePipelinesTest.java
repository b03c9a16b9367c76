package io.flowmesh.pipeline.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.pipeline.spec.PipelineSpec;
import io.flowmesh.pipeline.spec.SpecException;
import io.flowmesh.pipeline.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every spec in examples/pipelines/ is valid and translates into keys the services read. */
class ExamplePipelinesTest {

  private static final Path EXAMPLES = Path.of("..", "examples", "pipelines");

  @Test
  void everyExampleIsValidAndTranslates() throws IOException, SpecException {
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertEquals(List.of("default.yaml", "even-odd.yaml", "join.yaml", "kafka.yaml", "three-maps.yaml"),
        files.stream().map(p -> p.getFileName().toString()).toList());
    for (Path file : files) {
      PipelineSpec spec = SpecParser.load(file);
      AtomicInteger port = new AtomicInteger(30000);
      RunPlan plan = new Translator(port::getAndIncrement, List.of("java")).translate(spec, "t");
      assertTrue(plan.services().size() >= 3, file + ": " + plan.services());
      TranslatorTest.assertEveryKeyIsAServiceKey(plan);
    }
  }

  @Test
  void theThreeMapChainHasThreeUdfProcessesInOrder() throws SpecException {
    PipelineSpec spec = SpecParser.load(EXAMPLES.resolve("three-maps.yaml"));
    AtomicInteger port = new AtomicInteger(30000);
    RunPlan plan = new Translator(port::getAndIncrement, List.of("java")).translate(spec, "t");
    assertEquals(List.of("in", "parse", "upper", "tidy", "out"), plan.order());
    assertEquals(List.of("parse-udf", "upper-udf", "tidy-udf"), plan.udfs().stream().map(UdfPlan::process).toList());
    assertEquals("200", plan.services().get(1).settings().get("map.concurrency"), "spec.limits.concurrency reaches every map");
  }
}
