package io.flowmesh.pipeline.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The runner reads a source's bounded run — complete, produced, acked — from one {@code /status}
 * answer, wherever in it the run's figures sit, so the line it prints agrees with "complete" (the
 * acked metric is published only once per watermark tick, and once lagged 17 messages behind).
 */
class RunnerStatusTest {

  @Test
  void theRunsFiguresAreFoundNestedOrAtTheTop() {
    JsonObject nested = Runner.boundedRun("{\"vertex\":\"in\",\"status\":{\"type\":\"generator\",\"bounded\":true,"
        + "\"produced\":3000,\"acked\":3000,\"exhausted\":true,\"complete\":true,\"edge\":{\"port\":1}}}");
    assertEquals(3000, nested.getDouble("acked"));
    JsonObject top = Runner.boundedRun("{\"produced\":5,\"acked\":4,\"complete\":false}");
    assertFalse(top.getBoolean("complete"));
    assertEquals(4, top.getDouble("acked"));
  }

  @Test
  void aStatusWithoutABoundedRunOrNotJsonHasNone() {
    assertNull(Runner.boundedRun("{\"type\":\"http\",\"edge\":{\"port\":1}}"));
    assertNull(Runner.boundedRun("<html>not json</html>"));
  }
}
