package io.flowmesh.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The observability profile's files: Prometheus scrapes every vertex on its HTTP port, Grafana gets
 * the Prometheus data source and the dashboard, and the dashboard refers to that data source.
 * (That every metric the dashboard queries exists is checked against live scrapes in
 * {@link EndpointsTest}.)
 */
class ObservabilityConfigTest {

  static final Path PROMETHEUS = Project.path("deploy/prometheus/prometheus.yml");
  static final Path DATASOURCES = Project.path("deploy/grafana/provisioning/datasources/prometheus.yml");
  static final Path DASHBOARD_PROVIDERS = Project.path("deploy/grafana/provisioning/dashboards/flowmesh.yml");

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) {
    try {
      return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> scrapeJobs() {
    return (List<Map<String, Object>>) yaml(PROMETHEUS).get("scrape_configs");
  }

  @Test
  void prometheusDocumentsSendingTheHttpTokenFromAFileAndHoldsNoTokenInline() throws IOException {
    String text = Files.readString(PROMETHEUS);
    assertTrue(text.contains("http.token") && text.contains("authorization:") && text.contains("type: Bearer")
        && text.contains("credentials_file:"), "prometheus.yml says how to send http.token as a bearer token from a file");
    for (Map<String, Object> job : scrapeJobs()) {
      Object auth = job.get("authorization");
      assertTrue(auth == null || !((Map<?, ?>) auth).containsKey("credentials"),
          job.get("job_name") + ": a token inline in a file of the repository");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesEveryReplicaOfEachVertexOnItsComposeHttpPort() {
    ComposeFile compose = ComposeFile.ofProject();
    Map<String, Integer> targets = new HashMap<>();
    for (Map<String, Object> job : scrapeJobs()) {
      String name = String.valueOf(job.get("job_name"));
      assertEquals("/metrics", job.getOrDefault("metrics_path", "/metrics"), name);
      List<Map<String, Object>> sd = (List<Map<String, Object>>) job.get("dns_sd_configs");
      assertTrue(sd != null && sd.size() == 1, name + ": one dns_sd_configs entry, so scaled replicas are all scraped");
      Map<String, Object> dns = sd.get(0);
      assertEquals("A", dns.get("type"), name);
      assertEquals(List.of(name), dns.get("names"), name + ": the compose service name");
      targets.put(name, (Integer) dns.get("port"));
    }
    assertEquals(Set.of("source", "map", "sink"), targets.keySet());
    for (Vertex v : Vertex.values()) {
      int port = ComposeFileTest.effectivePort(compose, v, v.httpPortKey());
      assertEquals(port, targets.get(v.id()), v + ": Prometheus port vs the service's " + v.httpPortKey());
      assertTrue(compose.serviceNames().contains(v.id()));
    }
  }

  @Test
  void prometheusAndGrafanaRunOnlyInTheObservabilityProfileWithTheirConfigMounted() {
    ComposeFile compose = ComposeFile.ofProject();
    for (String s : List.of("prometheus", "grafana")) {
      assertEquals(List.of("observability"), compose.profiles(s), s);
      for (Map.Entry<String, String> mount : compose.bindMounts(s).entrySet()) {
        assertTrue(Files.exists(Project.root().resolve(mount.getKey()).normalize()), s + " mounts missing " + mount.getKey());
      }
    }
    assertEquals("/etc/prometheus/prometheus.yml",
        compose.bindMounts("prometheus").get("./deploy/prometheus/prometheus.yml"));
    assertTrue(compose.command("prometheus").contains("--config.file=/etc/prometheus/prometheus.yml"));
    assertEquals("/etc/grafana/provisioning", compose.bindMounts("grafana").get("./deploy/grafana/provisioning"));
    for (Vertex v : Vertex.values()) {
      assertTrue(compose.profiles(v.id()).isEmpty(), v + " must run without a profile");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void grafanaProvisionsThePrometheusDataSourceTheDashboardUses() {
    Map<String, Object> ds = ((List<Map<String, Object>>) yaml(DATASOURCES).get("datasources")).get(0);
    assertEquals(1, yaml(DATASOURCES).get("apiVersion"));
    assertEquals("prometheus", ds.get("type"));
    assertEquals("http://prometheus:9090", ds.get("url"), "the compose service prometheus on its port");
    assertTrue(ComposeFile.ofProject().ports("prometheus").stream().anyMatch(p -> p.target() == 9090));
    Set<String> used = Dashboard.load().datasourceUids();
    assertEquals(Set.of(ds.get("uid")), used, "the dashboard's data source uids");
  }

  @Test
  @SuppressWarnings("unchecked")
  void grafanaLoadsDashboardsFromTheDirectoryComposeMountsTheDashboardIn() {
    Map<String, Object> provider = ((List<Map<String, Object>>) yaml(DASHBOARD_PROVIDERS).get("providers")).get(0);
    assertEquals("file", provider.get("type"));
    String path = String.valueOf(((Map<String, Object>) provider.get("options")).get("path"));
    Map<String, String> mounts = ComposeFile.ofProject().bindMounts("grafana");
    assertEquals(path, mounts.get("./deploy/grafana/dashboards"), "dashboards mount vs provider path");
    assertTrue(Files.isRegularFile(Dashboard.FILE));
    String home = ComposeFile.ofProject().environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
    assertEquals(path + "/" + Dashboard.FILE.getFileName(), home);
  }

  @Test
  void theDashboardParsesAndShowsWhatAnOperatorNeeds() {
    JsonObject d = Dashboard.load().json();
    assertFalse(d.getString("uid", "").isEmpty(), "uid");
    List<String> exprs = Dashboard.load().expressions();
    String all = String.join("\n", exprs);
    for (String needed : List.of("flowmesh_source_messages_total", "flowmesh_sink_messages_total", "flowmesh_map_inflight",
        "flowmesh_map_concurrency_limit", "flowmesh_edge_input_buffer", "flowmesh_map_udf_call_seconds_bucket",
        "flowmesh_sink_e2e_latency_seconds_bucket", "watermark_lag", "flowmesh_edge_redelivered_total")) {
      assertTrue(all.contains(needed), "no panel queries " + needed);
    }
    Set<Integer> ids = new HashSet<>();
    for (JsonObject p : Dashboard.load().panels()) {
      assertTrue(ids.add(p.getInteger("id")), "duplicate panel id " + p.getInteger("id"));
      assertTrue(p.getJsonObject("gridPos") != null, "gridPos of " + p.getString("title"));
    }
    assertTrue(exprs.stream().filter(e -> e.contains("histogram_quantile")).allMatch(e -> e.contains("by (le)")),
        "percentiles must aggregate by le");
  }
}
