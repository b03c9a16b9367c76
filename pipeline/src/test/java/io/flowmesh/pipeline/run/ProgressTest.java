package io.flowmesh.pipeline.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Progress}: the counters are read downstream first, so no vertex seems to have more than its upstream sent. */
class ProgressTest {

  @Test
  void everyVertexIsReadBeforeItsUpstream() {
    // in -> even-or-odd -> even-sink, odd-sink (graph order, sources first)
    assertEquals(List.of("odd-sink", "even-sink", "even-or-odd", "in"),
        Progress.readOrder(List.of("in", "even-or-odd", "even-sink", "odd-sink")));
  }
}
