package io.flowmesh.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
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
  void quantilesInterpolateWithinTheBucketWhereTheRankFalls() {
    TreeMap<Double, Double> b = new TreeMap<>();
    b.put(0.01, 50.0);
    b.put(0.1, 90.0);
    b.put(1.0, 100.0);
    b.put(Double.POSITIVE_INFINITY, 100.0);
    assertEquals(0.01, Quantiles.of(0.5, b), 1e-12);
    assertEquals(0.1, Quantiles.of(0.9, b), 1e-12);
    assertEquals(0.55, Quantiles.of(0.95, b), 1e-12);
    assertEquals(0.005, Quantiles.of(0.25, b), 1e-12);
    TreeMap<Double, Double> none = new TreeMap<>(Map.of(1.0, 0.0, Double.POSITIVE_INFINITY, 0.0));
    assertTrue(Double.isNaN(Quantiles.of(0.5, none)), "no observation, no quantile");
  }
}
