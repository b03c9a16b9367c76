package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmesh.runtime.service.PromText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every endpoint of every service of a running pipeline, requested as {@code curl} would; and the
 * compose health checks and the dashboard checked against what the running services really serve.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EndpointsTest {

  @TempDir
  static Path dir;
  private static Pipeline pipeline;
  private static final Map<Vertex, PromText.Parsed> scrapes = new EnumMap<>(Vertex.class);

  /** Metrics each service must expose (DESIGN.md's list, as named in the services). */
  private static final Map<Vertex, List<String>> EXPECTED = Map.of(
      Vertex.SOURCE, List.of("flowmesh_source_messages_total", "flowmesh_source_acked_total", "flowmesh_source_bytes_total",
          "flowmesh_source_watermark_milliseconds", "flowmesh_source_watermark_lag_milliseconds", "flowmesh_edge_sent_total",
          "flowmesh_edge_acked_total", "flowmesh_edge_redelivered_total", "flowmesh_edge_unacked", "flowmesh_edge_subscriber_credit"),
      Vertex.MAP, List.of("flowmesh_map_inflight", "flowmesh_map_concurrency_limit", "flowmesh_map_udf_call_seconds_bucket",
          "flowmesh_map_outputs_total", "flowmesh_map_watermark", "flowmesh_map_watermark_lag", "flowmesh_map_udf_retries_total",
          "flowmesh_map_udf_timeouts_total", "flowmesh_map_udf_errors_total", "flowmesh_edge_received_total",
          "flowmesh_edge_input_buffer", "flowmesh_edge_input_capacity", "flowmesh_edge_sent_total",
          "flowmesh_map_output_pending", "flowmesh_map_output_capacity", "flowmesh_map_output_blocked_seconds_total"),
      Vertex.SINK, List.of("flowmesh_sink_messages_total", "flowmesh_sink_e2e_latency_seconds_bucket",
          "flowmesh_sink_watermark_lag_milliseconds", "flowmesh_sink_duplicates_total", "flowmesh_edge_received_total",
          "flowmesh_edge_input_buffer"));

  @BeforeAll
  static void startPipeline() {
    pipeline = Pipeline.start(dir, "uppercase", Map.of("FLOWMESH_SOURCE_RATE", "2000", "FLOWMESH_SOURCE_MSG_SIZE", "50"));
    // let data flow so every histogram and counter has samples
    Await.until("the sink to write 2000 messages", Duration.ofSeconds(30),
        () -> pipeline.service(Vertex.SINK).status().getLong("written", 0L) >= 2000, pipeline::logs);
    for (Vertex v : Vertex.values()) {
      scrapes.put(v, MetricsText.parse(pipeline.service(v).get("/metrics").body()));
    }
  }

  @AfterAll
  static void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private static ServiceProcess service(Vertex v) {
    return pipeline.service(v);
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void livezAnswers200WithTheServiceName(Vertex v) {
    Http.Response r = service(v).get("/livez");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertEquals(new JsonObject().put("live", true).put("service", v.id()), r.json());
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void readyzAnswers200AndReadyTrueWhileThePipelineFlows(Vertex v) {
    Http.Response r = service(v).get("/readyz");
    assertEquals(200, r.status(), r.body());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertEquals(true, r.json().getBoolean("ready"));
    assertEquals(v.id(), r.json().getString("service"));
    assertFalse(r.json().containsKey("reason"), "a ready service gives no reason: " + r.body());
  }

  @Test
  void theLatencyHistogramsCountWhatFlowedThroughThem() {
    // Scraped after the sink wrote 2,000 messages: each was answered by the UDF and written once.
    double calls = scrapes.get(Vertex.MAP).sum("flowmesh_map_udf_call_seconds_count");
    double callSeconds = scrapes.get(Vertex.MAP).sum("flowmesh_map_udf_call_seconds_sum");
    double written = scrapes.get(Vertex.SINK).sum("flowmesh_sink_e2e_latency_seconds_count");
    double inf = scrapes.get(Vertex.SINK).sum("flowmesh_sink_e2e_latency_seconds_bucket", "le", "+Inf");
    assertTrue(calls >= 2000, "UDF calls counted: " + calls);
    assertTrue(callSeconds > 0, "UDF call time summed: " + callSeconds);
    assertTrue(written >= 2000, "end-to-end latencies counted: " + written);
    assertEquals(written, inf, "the +Inf bucket holds every count");
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void metricsArePrometheusTextWithHelpForEveryFlowmeshMetric(Vertex v) {
    Http.Response r = service(v).get("/metrics");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("text/plain") && r.contentType().contains("version=0.0.4"), r.contentType());
    PromText.Parsed m = MetricsText.parse(r.body());
    List<String> flowmesh = m.sampleNames().stream().filter(n -> n.startsWith("flowmesh_")).sorted().toList();
    assertTrue(flowmesh.size() >= 10, "flowmesh_ metrics: " + flowmesh);
    for (String name : flowmesh) {
      assertTrue(m.helped().stream().anyMatch(name::startsWith), "no # HELP line for " + name);
      assertTrue(m.typed().stream().anyMatch(name::startsWith), "no # TYPE line for " + name);
    }
    for (String name : EXPECTED.get(v)) {
      assertTrue(m.sampleNames().contains(name), v + " does not expose " + name + "; it has " + flowmesh);
    }
    for (PromText.Sample s : m.samples()) {
      if (s.name().startsWith("flowmesh_")) {
        assertEquals(v.id(), s.labels().get("service"), "service label of " + s);
        assertEquals(v.id(), s.labels().get("vertex"), "vertex label (vertex.name, by default the kind) of " + s);
      }
    }
    assertTrue(m.sampleNames().contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(m.sampleNames().contains("process_cpu_usage"), "process metrics");
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void statusIsJsonWithStateConfigAndTheVertexFigures(Vertex v) {
    Http.Response r = service(v).get("/status");
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    JsonObject s = r.json();
    assertEquals(v.id(), s.getString("service"));
    assertEquals(v.id(), s.getString("vertex"), "vertex.name defaults to the kind");
    assertEquals("running", s.getString("state"));
    JsonObject config = s.getJsonObject("config");
    assertNotNull(config, "config");
    assertEquals(String.valueOf(service(v).httpPort()), config.getString(v.httpPortKey()), "the port it was given");
    assertEquals("127.0.0.1", config.getString("bind.host"));
    switch (v) {
      case SOURCE -> {
        assertTrue(s.getLong("produced") > 0, "produced");
        assertTrue(s.getLong("acked") > 0, "acked");
        assertEquals(Integer.parseInt(pipeline.env().get("FLOWMESH_SOURCE_EDGE_PORT")), s.getInteger("edgePort"));
        assertTrue(s.getJsonObject("edge").getJsonArray("subscribers").size() >= 1, "map subscribed");
      }
      case MAP -> {
        JsonArray instances = s.getJsonArray("instances");
        assertTrue(instances.size() >= 1, "instances");
        assertEquals(500, instances.getJsonObject(0).getInteger("concurrency"));
        assertNotNull(instances.getJsonObject(0).getInteger("inFlight"));
        assertEquals(Integer.parseInt(pipeline.env().get("FLOWMESH_MAP_EDGE_PORT")), s.getJsonObject("edge").getInteger("port"));
        assertEquals("PooledByteBufAllocator", s.getString("bufferAllocator"), "map-service's Main picks Netty's pooled allocator");
      }
      case SINK -> {
        assertTrue(s.getLong("written") > 0, "written");
        assertEquals("file", s.getString("type"));
        assertTrue(s.getLong("watermark") > 0, "watermark");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vertex.class)
  void anUnknownPathIs404WithAJsonBody(Vertex v) {
    Http.Response r = service(v).get("/no-such-endpoint");
    assertEquals(404, r.status());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertEquals("not_found", new JsonObject(r.body()).getString("error"), r.body());
  }

  @Test
  void theComposeHealthChecksRequestAnEndpointEachServiceServesWith200() {
    ComposeFile compose = ComposeFile.ofProject();
    for (Vertex v : Vertex.values()) {
      URI url = compose.healthcheckUrl(v.id());
      assertNotNull(url, v + " health check requests no URL");
      assertEquals("/readyz", url.getPath(), v + " health check");
      Http.Response r = service(v).get(url.getPath());
      assertEquals(200, r.status(), v + " " + url.getPath() + ": " + r.body());
    }
  }

  @Test
  void prometheusScrapesAPathEveryServiceServes() {
    for (Map<String, Object> job : ObservabilityConfigTest.scrapeJobs()) {
      Vertex v = Vertex.byId(String.valueOf(job.get("job_name")));
      String path = String.valueOf(job.getOrDefault("metrics_path", "/metrics"));
      Http.Response r = service(v).get(path);
      assertEquals(200, r.status(), v + " " + path);
      assertTrue(r.body().contains("# HELP flowmesh_"), v + " " + path);
    }
  }

  @Test
  void everyMetricTheDashboardQueriesIsInARealScrape() {
    Dashboard dashboard = Dashboard.load();
    List<String> problems = new ArrayList<>();
    int refs = 0;
    for (String expr : dashboard.expressions()) {
      for (Dashboard.MetricRef ref : Dashboard.metrics(expr)) {
        refs++;
        boolean found = scrapes.values().stream().anyMatch(m -> m.has(ref.name(), ref.labels()));
        if (!found) {
          problems.add(ref.name() + ref.labels() + " in: " + expr);
        }
      }
    }
    assertTrue(refs >= 20, "the dashboard queries too few metrics to be right: " + refs);
    assertTrue(problems.isEmpty(), "metrics no service exposes:\n" + String.join("\n", problems));
    // the labels the dashboard groups by exist on every flowmesh_ sample
    for (PromText.Parsed m : scrapes.values()) {
      for (PromText.Sample s : m.samples()) {
        if (s.name().startsWith("flowmesh_edge_credit_granted")) {
          assertTrue(s.labels().keySet().contains("service"), s.toString());
        }
        if (s.name().startsWith("flowmesh_map_inflight")) {
          assertTrue(s.labels().keySet().contains("verticle"), s.toString());
        }
      }
    }
  }
}
