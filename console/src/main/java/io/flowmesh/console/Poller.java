package io.flowmesh.console;

import io.flowmesh.runtime.config.HostPort;
import io.flowmesh.runtime.edge.Resolver;
import io.flowmesh.runtime.errors.Reasons;
import io.flowmesh.runtime.service.PromText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one poller of a console: every interval it reads each replica's {@code /status}, {@code
 * /metrics} and {@code /readyz} (all at once, each bounded by the poll timeout), turns the answers
 * into a snapshot ({@link Readings}) and hands it to the listener. A replica that does not answer
 * is down with the error; the others are shown as usual. The next poll starts one interval after
 * the last one started, or when it ended if it took longer: polls never overlap.
 *
 * <h2>Concurrency</h2>
 * Confined to the event loop of the context that calls {@link #start}.
 */
final class Poller {

  private static final int ERRORS_KEPT = 20;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Poller.class);

  private final Vertx vertx;
  private final Topology topology;
  private final Duration interval;
  private final Duration timeout;
  private final String token;
  private final Consumer<JsonObject> listener;
  private final HttpClientAgent client;
  private final Resolver resolver;
  private final Readings readings = new Readings();
  private final Map<String, String> kinds = new HashMap<>();
  private final Map<String, List<Scrape>> lastScrapes = new LinkedHashMap<>();
  private final Map<String, Deque<JsonObject>> lastErrors = new HashMap<>();
  private final Map<String, Set<String>> activeProblems = new HashMap<>();
  private List<Topology.Edge> edges;
  private JsonObject snapshot;
  private long timer = -1;
  private boolean stopped;

  Poller(Vertx vertx, Topology topology, Duration interval, Duration timeout, String token, Consumer<JsonObject> listener) {
    this.vertx = vertx;
    this.topology = topology;
    this.interval = interval;
    this.timeout = timeout;
    this.token = token;
    this.listener = listener;
    this.edges = topology.edges();
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeout.toMillis()).setKeepAlive(true),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(4));
    this.resolver = Resolver.system(vertx);
    topology.vertices().forEach(v -> kinds.put(v.name(), v.kind()));
  }

  void start() {
    poll();
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    client.close();
  }

  /** The last snapshot, or null before the first poll ended. */
  JsonObject snapshot() {
    return snapshot;
  }

  private void poll() {
    if (stopped) {
      return;
    }
    long started = System.nanoTime();
    List<Future<List<Scrape>>> all = new ArrayList<>();
    Map<String, List<Future<List<Scrape>>>> byVertex = new LinkedHashMap<>();
    for (Topology.Vertex v : topology.vertices()) {
      List<Future<List<Scrape>>> fs = new ArrayList<>();
      v.replicas().forEach(at -> fs.add(scrapeAll(at)));
      byVertex.put(v.name(), fs);
      all.addAll(fs);
    }
    Future.join(all).onComplete(ar -> {
      long now = System.nanoTime();
      lastScrapes.clear();
      byVertex.forEach((name, fs) -> lastScrapes.put(name, fs.stream().flatMap(f -> f.result().stream()).toList()));
      try {
        snapshot = build(now);
        listener.accept(snapshot);
      } catch (RuntimeException e) {
        // a bug in reading one poll must not end the polling: logged, and the next poll runs
        LOG.error("console poll failed: {}", Reasons.of(e), e);
      }
      long left = interval.toNanos() - (System.nanoTime() - started);
      if (!stopped) {
        timer = vertx.setTimer(Math.max(1, left / 1_000_000), t -> poll());
      }
    });
  }

  private JsonObject build(long now) {
    if (!topology.fromSpec()) {
      List<Topology.Edge> found = Readings.discoveredEdges(lastScrapes);
      Set<Topology.Edge> union = new java.util.LinkedHashSet<>(edges);
      union.addAll(found);
      edges = List.copyOf(union);
    }
    JsonArray vertices = new JsonArray();
    for (Topology.Vertex v : topology.vertices()) {
      List<Scrape> scrapes = lastScrapes.get(v.name());
      scrapes.stream().filter(s -> s.up() && s.status().getValue("service") instanceof String).findFirst()
          .ifPresent(s -> kinds.put(v.name(), s.status().getString("service")));
      JsonObject j = readings.vertex(v, kinds.get(v.name()), scrapes, now);
      remember(v.name(), j);
      vertices.add(j);
    }
    List<String[]> pairs = edges.stream().map(e -> new String[] {e.from(), e.to()}).toList();
    return new JsonObject().put("pipeline", topology.name()).put("time", System.currentTimeMillis())
        .put("intervalMs", interval.toMillis()).put("vertices", vertices).put("edges", readings.edges(edges, lastScrapes, now))
        .put("layout", layout(pairs));
  }

  /**
   * The drawing: each vertex's place, each edge's label (a line for its condition, if it has one,
   * then its rate and its credit and queue), the sizes, and the extent of it all: labels may reach
   * above the top box ({@code top} below 0) or below the bottom one.
   */
  private JsonObject layout(List<String[]> pairs) {
    Map<String, Layout.Place> placed = Layout.of(topology.vertices().stream().map(Topology.Vertex::name).toList(), pairs);
    JsonObject places = new JsonObject();
    int width = 0;
    int top = 0;
    int height = 0;
    for (Layout.Place p : placed.values()) {
      places.put(p.name(), new JsonObject().put("x", p.x()).put("y", p.y()).put("layer", p.layer()).put("row", p.row()));
      width = Math.max(width, p.x() + Layout.WIDTH);
      height = Math.max(height, p.y() + Layout.HEIGHT);
    }
    JsonArray labels = new JsonArray();
    for (Layout.Label l : Layout.labels(placed, pairs, edges.stream().map(e -> e.condition() == null ? 2 : 3).toList())) {
      labels.add(new JsonObject().put("from", l.from()).put("to", l.to()).put("x", l.x()).put("y", l.y()).put("height", l.height()));
      width = Math.max(width, l.x() + Layout.LABEL_WIDTH / 2);
      top = Math.min(top, l.y());
      height = Math.max(height, l.y() + l.height());
    }
    return new JsonObject().put("places", places).put("labels", labels).put("width", width).put("top", top).put("height", height)
        .put("boxWidth", Layout.WIDTH).put("boxHeight", Layout.HEIGHT).put("labelLine", Layout.LABEL_LINE)
        .put("labelWidth", Layout.LABEL_WIDTH);
  }

  /** Records the problems that appeared in this poll (not those still there from the last) in the vertex's last errors. */
  private void remember(String vertex, JsonObject view) {
    Set<String> now = new HashSet<>();
    view.getJsonArray("problems").forEach(p -> now.add((String) p));
    if (!view.getBoolean("ready") && view.getString("readyReason") != null && view.getInteger("up") > 0) {
      now.add("not ready: " + view.getString("readyReason"));
    }
    Set<String> before = activeProblems.getOrDefault(vertex, Set.of());
    Deque<JsonObject> kept = lastErrors.computeIfAbsent(vertex, k -> new ArrayDeque<>());
    for (String p : now) {
      if (!before.contains(p)) {
        kept.addFirst(new JsonObject().put("time", Instant.now().toString()).put("text", p));
        if (kept.size() > ERRORS_KEPT) {
          kept.removeLast();
        }
      }
    }
    activeProblems.put(vertex, now);
  }

  /** The vertex page: each replica's last answers (config from /status, secrets already masked there), its edges, its last errors. */
  JsonObject vertexDetail(String name) {
    Topology.Vertex v = topology.vertices().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
    if (v == null) {
      return null;
    }
    JsonArray replicas = new JsonArray();
    for (Scrape s : lastScrapes.getOrDefault(name, List.of())) {
      String base = "http://" + s.at();
      JsonObject r = new JsonObject().put("address", s.at().toString()).put("up", s.up()).put("error", s.error())
          .put("ready", s.ready()).put("readyReason", s.readyReason())
          .put("links", new JsonArray(List.of(base + "/status", base + "/metrics", base + "/livez", base + "/readyz")));
      if (s.status() != null) {
        r.put("config", s.status().getJsonObject("config", new JsonObject())).put("status", s.status());
        r.put("outEdges", StatusFields.outEdgeStatus(s.status()));
      }
      replicas.add(r);
    }
    JsonArray in = new JsonArray();
    JsonArray out = new JsonArray();
    edges.forEach(e -> {
      JsonObject j = new JsonObject().put("from", e.from()).put("to", e.to()).put("condition", e.condition());
      if (e.to().equals(name)) {
        in.add(j);
      }
      if (e.from().equals(name)) {
        out.add(j);
      }
    });
    return new JsonObject().put("name", name).put("kind", kinds.get(name)).put("replicas", replicas).put("edgesIn", in)
        .put("edgesOut", out).put("lastErrors", new JsonArray(new ArrayList<>(lastErrors.getOrDefault(name, new ArrayDeque<>()))));
  }

  /**
   * Every replica behind {@code at}: a host name (not {@code localhost}) is resolved at each poll
   * and each of its addresses is a replica, as behind a headless Kubernetes Service or a scaled
   * compose service; a literal address is one replica. Never fails: a name that does not resolve is
   * one down replica with the error.
   */
  private Future<List<Scrape>> scrapeAll(HostPort at) {
    String host = at.host();
    if (host.equals("localhost") || host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
      return scrape(at).map(List::of);
    }
    return resolver.resolve(host).transform(ar -> {
      if (ar.failed() || ar.result().isEmpty()) {
        String why = ar.failed() ? Reasons.of(ar.cause()) : "no address";
        why = why.equals(host) ? "" : why.startsWith(host + ": ") ? why.substring(host.length() + 2) : why;
        return Future.succeededFuture(List.of(Scrape.down(at, "cannot resolve the host name" + (why.isBlank() ? "" : ": " + why))));
      }
      List<Future<Scrape>> each = ar.result().stream().sorted().map(ip -> scrape(new HostPort(ip, at.port()))).toList();
      return Future.join(each).transform(x -> Future.succeededFuture(each.stream().map(Future::result).toList()));
    });
  }

  /** One replica's three answers; never fails: a replica that does not answer is a down {@link Scrape}. */
  private Future<Scrape> scrape(HostPort at) {
    Future<Answer> status = get(at, "/status");
    Future<Answer> metrics = get(at, "/metrics");
    Future<Answer> ready = get(at, "/readyz");
    return Future.join(status, metrics, ready).transform(ar -> {
      String error = status.failed() ? Reasons.of(status.cause()) : metrics.failed() ? Reasons.of(metrics.cause())
          : status.result().code != 200 ? "/status answered " + status.result().code + ": " + brief(status.result().body)
          : metrics.result().code != 200 ? "/metrics answered " + metrics.result().code + ": " + brief(metrics.result().body) : null;
      if (error != null) {
        return Future.succeededFuture(Scrape.down(at, error));
      }
      JsonObject st;
      try {
        st = new JsonObject(status.result().body);
      } catch (RuntimeException e) {
        return Future.succeededFuture(Scrape.down(at, "/status is not JSON: " + Reasons.of(e)));
      }
      boolean isReady = ready.succeeded() && ready.result().code == 200;
      String reason = null;
      if (!isReady) {
        reason = ready.failed() ? "/readyz: " + Reasons.of(ready.cause()) : readyReason(ready.result().body);
      }
      return Future.succeededFuture(new Scrape(at, st, PromText.parse(metrics.result().body), isReady, reason, null));
    });
  }

  private static String readyReason(String body) {
    try {
      JsonObject j = new JsonObject(body);
      return j.getValue("reason") != null ? String.valueOf(j.getValue("reason")) : brief(body);
    } catch (RuntimeException e) {
      return brief(body);
    }
  }

  private static String brief(String body) {
    String b = body == null ? "" : body.strip();
    return b.length() > 200 ? b.substring(0, 200) + "..." : b;
  }

  private record Answer(int code, String body) {
  }

  private Future<Answer> get(HostPort at, String path) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(at.host()).setPort(at.port()).setURI(path)
        .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis());
    if (token != null) {
      o.putHeader("Authorization", "Bearer " + token);
    }
    return client.request(o).compose(req -> req.send().compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b.toString()))))
        .recover(e -> Future.failedFuture(new IllegalStateException(path + ": " + reason(e, at), e)));
  }

  /**
   * Why a request to {@code at} failed, without the address, which the page shows once before it
   * ({@link Readings}: {@code 127.0.0.1:8081: /status: Connection refused}): Netty's {@code
   * Connection refused: /127.0.0.1:8081} and Vert.x's {@code ... for server 127.0.0.1:8081} lose
   * their address. A reason that is only the address stays as it is.
   */
  static String reason(Throwable e, HostPort at) {
    String r = Reasons.of(e);
    String without = r.replaceAll("(:\\s*)?(\\s+(for server|to))?\\s*/?" + java.util.regex.Pattern.quote(at.toString()), "").strip();
    return without.isEmpty() ? r : without;
  }
}
