package io.flowmesh.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromTextTest {

  private static final String TEXT = """
      # HELP flowmesh_edge_sent_total Messages sent downstream
      # TYPE flowmesh_edge_sent_total counter
      flowmesh_edge_sent_total{service="map",to="even-sink",vertex="m"} 120.0
      flowmesh_edge_sent_total{service="map",to="odd-sink",vertex="m"} 80.0
      flowmesh_map_inflight{service="map",vertex="m",verticle="0"} 7.0
      process_uptime_seconds 12.5
      flowmesh_odd{note="a \\"quoted\\", comma",vertex="m"} 3
      flowmesh_watermark{vertex="m"} NaN
      flowmesh_bucket{le="+Inf",vertex="m"} 4
      this line is not a sample
      """;

  @Test
  void samplesKeepTheirLabelsIncludingEscapedQuotesAndCommas() {
    PromText.Parsed p = PromText.parse(TEXT);
    assertEquals(7, p.samples().size());
    assertEquals(1, p.skipped(), "the line that is not a sample is counted, not fatal");
    assertEquals(200.0, p.sum("flowmesh_edge_sent_total"));
    assertEquals(80.0, p.sum("flowmesh_edge_sent_total", "to", "odd-sink"));
    assertEquals(12.5, p.sum("process_uptime_seconds"));
    assertEquals(Map.of("note", "a \"quoted\", comma", "vertex", "m"), p.named("flowmesh_odd").get(0).labels());
    assertTrue(Double.isNaN(p.named("flowmesh_watermark").get(0).value()));
    assertEquals("+Inf", p.named("flowmesh_bucket").get(0).label("le"));
  }

  @Test
  void aSampleWithATimestampKeepsItsValueNotTheTimestamp() {
    PromText.Parsed p = PromText.parse("flowmesh_x_total{vertex=\"m\"} 42 1700000000000\nflowmesh_y 1.5e3 1700000000000\n");
    assertEquals(42.0, p.sum("flowmesh_x_total"));
    assertEquals(1500.0, p.sum("flowmesh_y"));
    assertEquals(0, p.skipped());
  }

  @Test
  void helpAndTypeLinesAreCollectedByName() {
    PromText.Parsed p = PromText.parse(TEXT);
    assertEquals(java.util.Set.of("flowmesh_edge_sent_total"), p.helped());
    assertEquals(java.util.Set.of("flowmesh_edge_sent_total"), p.typed());
    assertTrue(p.has("flowmesh_map_inflight", Map.of("verticle", "0")));
    assertEquals(false, p.has("flowmesh_map_inflight", Map.of("verticle", "1")));
    assertEquals(120.0, p.sum("flowmesh_edge_sent_total", Map.of("to", "even-sink", "vertex", "m")));
  }

  @Test
  void aSumTakesOnlyTheNameItselfNotNamesThatStartWithIt() {
    PromText.Parsed p = PromText.parse("""
        flowmesh_map_outputs_total{service="map",verticle="0"} 3.0
        flowmesh_map_outputs_total{service="map",verticle="1"} 4.0
        flowmesh_map_outputs_total_other 100.0
        flowmesh_map_outputs 7.0
        """);
    assertEquals(7.0, p.sum("flowmesh_map_outputs_total"));
    assertEquals(0.0, p.sum("flowmesh_sink_messages_total"));
  }
}
