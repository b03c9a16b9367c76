package io.flowmesh.map;

import io.flowmesh.map.concurrency.ConcurrencySettings;
import io.flowmesh.map.concurrency.ConcurrencyType;
import io.flowmesh.map.engine.EngineConfig;
import io.flowmesh.map.udf.OnFailure;
import io.flowmesh.map.udf.UdfConfig;
import io.flowmesh.map.udf.UdfMode;
import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.edge.Upstreams;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.edge.EdgeRoutes;
import io.flowmesh.runtime.udf.UdfConnection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * map-service's configuration, validated.
 *
 * @param httpPort HTTP port
 * @param edgePort the downstream edge's port
 * @param upstream the upstream vertices: one unnamed ({@code map.upstream}) or named ones ({@code map.upstream.<vertex>}, a join)
 * @param resolveInterval how often the upstream name is resolved again
 * @param instances verticle instances (0 = event loops)
 * @param engine the engine's settings (batch mode may still change from the server-info file; its
 *     concurrency is the initial limit)
 * @param concurrency the in-flight limit: fixed, or auto between bounds
 * @param udf the UDF client's settings
 * @param allowedSubscribers the vertex names that may subscribe to the edge
 * @param routes the outbound edges ({@code map.edge.to}) and their tag conditions
 */
public record MapConfig(int httpPort, int edgePort, Upstreams upstream, Duration resolveInterval, int instances,
    EngineConfig engine, ConcurrencySettings concurrency, UdfConfig udf, Set<String> allowedSubscribers, EdgeRoutes routes) {

  /** Reads and checks every map.* and udf.* key; problems go to {@code s}. */
  public static MapConfig from(Settings s) {
    UdfMode mode = UdfMode.parse(s.get(MapKeys.MODE));
    boolean batch = mode == UdfMode.BATCH;
    OnFailure onFailure = OnFailure.valueOf(s.get(MapKeys.UDF_ON_FAILURE).toUpperCase(Locale.ROOT).replace('-', '_'));
    UdfConnection connection = MapKeys.UDF.read(s); // reports the transport's problems
    UdfConfig udf = UdfConfig.builder()
        .connection(connection)
        .mode(mode)
        .modeConfigured(s.source(MapKeys.MODE) != Settings.Source.DEFAULT)
        .retryMaxAttempts(s.get(MapKeys.UDF_MAX_ATTEMPTS))
        .retryBackoff(s.get(MapKeys.UDF_RETRY_BACKOFF), s.get(MapKeys.UDF_RETRY_MAX_BACKOFF))
        .onFailure(onFailure)
        .batchSize(s.get(MapKeys.BATCH_SIZE))
        .batchTimeout(s.get(MapKeys.BATCH_TIMEOUT))
        .build();
    for (String problem : udf.mapProblems()) { // the connection's were reported by read()
      reportUdfProblem(s, problem);
    }
    ConcurrencySettings concurrency = concurrency(s);
    EngineConfig engine = new EngineConfig(concurrency.initial(), batch, s.get(MapKeys.BATCH_SIZE),
        s.get(MapKeys.BATCH_TIMEOUT), s.get(MapKeys.ORDERING).equals("key"), s.get(MapKeys.OUTPUT_CAPACITY),
        onFailure == OnFailure.DROP);
    EdgeRoutes routes = EdgeRoutes.read(s, MapKeys.EDGE_TO, MapKeys.EDGE_CONDITION);
    return new MapConfig(s.get(MapKeys.HTTP_PORT), s.get(MapKeys.EDGE_PORT),
        Upstreams.read(s, MapKeys.UPSTREAM, MapKeys.UPSTREAM_NAMED, MapKeys.UPSTREAM_GONE_AFTER),
        s.get(MapKeys.RESOLVE_INTERVAL), s.get(MapKeys.INSTANCES), engine, concurrency, udf,
        EdgeRoutes.allowedSubscribers(s, MapKeys.ALLOWED_SUBSCRIBERS, routes), routes);
  }

  /** map.concurrency and, when it is auto, its bounds; bounds without auto are refused (they would mean nothing). */
  private static ConcurrencySettings concurrency(Settings s) {
    int c = s.get(MapKeys.CONCURRENCY);
    int min = s.get(MapKeys.CONCURRENCY_MIN);
    int max = s.get(MapKeys.CONCURRENCY_MAX);
    Duration probe = s.get(MapKeys.CONCURRENCY_PROBE_INTERVAL);
    if (c != ConcurrencyType.AUTO) {
      for (ConfigKey<?> k : List.of(MapKeys.CONCURRENCY_MIN, MapKeys.CONCURRENCY_MAX, MapKeys.CONCURRENCY_PROBE_INTERVAL)) {
        if (s.source(k) != null && s.source(k) != Settings.Source.DEFAULT) {
          s.problem(k, "applies only to map.concurrency=auto, and map.concurrency is " + c);
        }
      }
      return ConcurrencySettings.fixed(c);
    }
    if (min > max) {
      s.problem(MapKeys.CONCURRENCY_MIN, "is above map.concurrency.max=" + max);
      max = min;
    }
    return new ConcurrencySettings(true, ConcurrencySettings.START, min, max, probe);
  }

  /** The UDF client's checks say {@code key: what}; report them against our key, with where its value came from. */
  private static void reportUdfProblem(Settings s, String problem) {
    int colon = problem.indexOf(": ");
    String name = colon < 0 ? "" : problem.substring(0, colon);
    for (ConfigKey<?> key : MapKeys.all()) {
      if (key.name().equals(name)) {
        s.problem(key, problem.substring(colon + 2));
        return;
      }
    }
    s.problem(problem);
  }
}
