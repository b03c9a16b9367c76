package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link EdgeSubscriber} per address the upstream resolves to: a list of {@code host:port}
 * entries (replicas listed one by one, as in {@code sink.upstream=127.0.0.1:7002,127.0.0.2:7002}),
 * each a literal address or a name with replicas behind it (compose {@code --scale}, a Kubernetes
 * headless service). Names are resolved (see {@link Resolver#system}) at start and every
 * {@code resolveInterval}: a new address gets a subscriber, a subscriber whose address is gone is
 * closed (its unacked messages go back to the upstream's queue) — at once when its stream is not
 * open, else when the upstream ends it (a replica scaled down leaves DNS while it drains).
 * Literal IP addresses are not re-resolved; a name whose lookup fails keeps the subscribers it had.
 *
 * <p>One set is one upstream vertex: unnamed ({@code Y.upstream}) or named ({@code
 * Y.upstream.<vertex>}, said in every hello as {@code upstream_vertex}); a join has one set per
 * upstream vertex ({@link UpstreamGroup}). The set is {@link #gone} once none of its subscribers
 * has had an open stream for {@code goneAfter}: its subscribers then stop holding the vertex's
 * input watermark back ({@link EdgeSubscriber#inputWatermark}) until one connects again.
 *
 * <h2>Concurrency</h2>
 * Confined to the owning verticle's event loop; only the lookup runs on a worker.
 */
public final class UpstreamSet {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamSet.class);

  /** Told of subscribers as they come and go, on the event loop. */
  public interface Listener {
    /** A new subscriber, not yet started: set its handler now. */
    void added(EdgeSubscriber s);

    void removed(EdgeSubscriber s);
  }

  private final Vertx vertx;
  private final String vertex;
  private final String upstreamVertex;
  private final long goneAfterNanos;
  private final List<HostPort> upstreams;
  private final Duration resolveInterval;
  private final EdgeOptions options;
  private final MeterRegistry registry;
  private final String idPrefix;
  private final Listener listener;
  private final Resolver resolver;
  private final Map<HostPort, EdgeSubscriber> byAddress = new LinkedHashMap<>();
  /**
   * Addresses gone from the lookup while their edge was open: kept until the upstream ends the
   * stream, so a replica draining after SIGTERM (already out of DNS) delivers and gets acked what
   * it still sends.
   */
  private final Set<HostPort> retiring = new HashSet<>();
  /** The addresses each entry resolved to last (kept when a later lookup fails). */
  private final Map<HostPort, List<HostPort>> resolved = new LinkedHashMap<>();
  private long timer = -1;
  private long created;
  private boolean resolving;
  private boolean closed;
  private String resolveError;
  private int open;
  /** When the last open stream was lost (or the set started), while none is open. */
  private long noneOpenSinceNanos = System.nanoTime();

  /**
   * @param vertex the vertex these subscriptions belong to (map, sink): said in the hello and
   *     tagged on the edge metrics
   * @param upstreams the upstream's edge addresses, at least one
   * @param idPrefix prefix of the subscriber ids, e.g. {@code map-3f2a/0}
   */
  public UpstreamSet(Vertx vertx, String vertex, List<HostPort> upstreams, Duration resolveInterval, EdgeOptions options,
      MeterRegistry registry, String idPrefix, Listener listener, Resolver resolver) {
    this(vertx, vertex, new Upstreams.Vertex("", upstreams), Duration.ofNanos(Long.MAX_VALUE), resolveInterval, options,
        registry, idPrefix, listener, resolver);
  }

  /**
   * @param upstream the upstream vertex: its name (empty when unnamed) and its edge addresses
   * @param goneAfter how long without an open stream on any replica before the set counts as {@link #gone}
   */
  public UpstreamSet(Vertx vertx, String vertex, Upstreams.Vertex upstream, Duration goneAfter, Duration resolveInterval,
      EdgeOptions options, MeterRegistry registry, String idPrefix, Listener listener, Resolver resolver) {
    List<HostPort> upstreams = upstream.addresses();
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("no upstream address");
    }
    this.vertx = vertx;
    this.vertex = vertex;
    this.upstreamVertex = upstream.name();
    this.goneAfterNanos = goneAfter.toNanos();
    this.upstreams = List.copyOf(upstreams);
    this.resolveInterval = resolveInterval;
    this.options = options;
    this.registry = registry;
    this.idPrefix = idPrefix;
    this.listener = listener;
    this.resolver = resolver;
  }

  /** Resolves now and then every {@code resolveInterval} (literal addresses are not re-resolved). */
  public void start() {
    resolve();
    for (HostPort u : upstreams) {
      if (!NetUtil.isValidIpV4Address(u.host()) && !NetUtil.isValidIpV6Address(u.host())) {
        timer = vertx.setPeriodic(resolveInterval.toMillis(), id -> resolve());
        return;
      }
    }
  }

  private void resolve() {
    if (resolving || closed) {
      return;
    }
    resolving = true;
    List<Future<List<String>>> lookups = new ArrayList<>(upstreams.size());
    for (HostPort u : upstreams) {
      lookups.add(resolver.resolve(u.host()));
    }
    Future.join(lookups).onComplete(ar -> {
      resolving = false;
      if (closed) {
        return;
      }
      String error = null;
      for (int i = 0; i < upstreams.size(); i++) {
        HostPort u = upstreams.get(i);
        Future<List<String>> f = lookups.get(i);
        if (f.failed()) {
          if (resolveError == null) {
            LOG.warn("cannot resolve upstream={} cause={} (retrying every {})", u, f.cause().toString(), resolveInterval);
          }
          error = (error == null ? "" : error + "; ") + "cannot resolve upstream " + u + ": " + f.cause();
          continue;
        }
        List<HostPort> addresses = new ArrayList<>();
        for (String a : f.result()) {
          addresses.add(new HostPort(a, u.port()));
        }
        resolved.put(u, addresses);
      }
      resolveError = error;
      Set<HostPort> all = new LinkedHashSet<>();
      resolved.values().forEach(all::addAll);
      reconcile(all);
    });
  }

  private void reconcile(Set<HostPort> addresses) {
    for (HostPort address : addresses) {
      if (!byAddress.containsKey(address)) {
        String id = idPrefix + "/" + created++;
        EdgeSubscriber s = new EdgeSubscriber(vertx, vertex, upstreamVertex, id, address, options, registry);
        s.upstreamGone = this::gone;
        s.connectionHandler(up -> {
          opened(up ? 1 : -1);
          if (!up && retiring.contains(address)) {
            vertx.getOrCreateContext().runOnContext(v -> closeRetired(address, s));
          }
        });
        byAddress.put(address, s);
        listener.added(s);
        s.start();
        LOG.info("subscribing upstream={} address={} subscriber={}", upstreams.size() == 1 ? upstreams.get(0) : upstreams,
            address, id);
      }
    }
    for (Map.Entry<HostPort, EdgeSubscriber> e : new ArrayList<>(byAddress.entrySet())) {
      HostPort address = e.getKey();
      if (addresses.contains(address)) {
        retiring.remove(address);
      } else if (e.getValue().connected()) {
        if (retiring.add(address)) {
          LOG.info("upstream address gone address={}; keeping its open edge until the upstream ends it", address);
        }
      } else {
        LOG.info("upstream address gone address={}; closing its edge", address);
        retiring.remove(address);
        byAddress.remove(address);
        drop(e.getValue());
      }
    }
  }

  /** The upstream ended the edge of an address gone from the lookup: it is not redialled. */
  private void closeRetired(HostPort address, EdgeSubscriber s) {
    if (byAddress.get(address) == s && retiring.remove(address) && !s.connected()) {
      LOG.info("upstream ended the edge of gone address={}; closing it", address);
      byAddress.remove(address);
      drop(s);
    }
  }

  private Future<Void> drop(EdgeSubscriber s) {
    if (s.connected()) {
      opened(-1);
    }
    s.connectionHandler(null);
    listener.removed(s);
    return s.close();
  }

  private void opened(int delta) {
    open += delta;
    if (open == 0) {
      noneOpenSinceNanos = System.nanoTime();
    }
  }

  /**
   * Whether this upstream vertex counts as gone: no subscriber has had an open stream for {@code
   * goneAfter} (since the last one was lost, or since the start if none ever opened).
   */
  public boolean gone() {
    return open == 0 && System.nanoTime() - noneOpenSinceNanos >= goneAfterNanos;
  }

  /** The upstream vertex's name as configured, empty when unnamed. */
  public String upstreamVertex() {
    return upstreamVertex;
  }

  /**
   * This upstream vertex's watermark: the lowest over its replicas' ({@link Watermarks#NONE} until
   * each has sent one); {@link Long#MAX_VALUE} when there is no replica.
   */
  public long watermark() {
    long low = Long.MAX_VALUE;
    for (EdgeSubscriber s : byAddress.values()) {
      low = Math.min(low, s.watermark());
    }
    return low;
  }

  /** {@link #watermark()} while this vertex counts, {@link Long#MAX_VALUE} once it is {@link #gone}. */
  public long inputWatermark() {
    return gone() ? Long.MAX_VALUE : watermark();
  }

  /** This upstream vertex for {@code /status}: its name, watermark, whether it is gone, and its replicas' edges. */
  public JsonObject status() {
    JsonArray replicas = new JsonArray();
    byAddress.values().forEach(s -> replicas.add(s.status()));
    long wm = watermark();
    return new JsonObject().put("vertex", upstreamVertex).put("addresses", HostPort.join(upstreams))
        .put("connected", connected()).put("gone", gone()).put("watermark", wm == Long.MAX_VALUE ? Watermarks.NONE : wm)
        .put("watermarkTime", Watermarks.format(wm == Long.MAX_VALUE ? Watermarks.NONE : wm))
        .put("resolveError", resolveError).put("replicas", replicas);
  }

  /** The current subscribers, one per address. */
  public List<EdgeSubscriber> subscribers() {
    return new ArrayList<>(byAddress.values());
  }

  /** How many subscribers have a stream open now. */
  public int connected() {
    int n = 0;
    for (EdgeSubscriber s : byAddress.values()) {
      if (s.connected()) {
        n++;
      }
    }
    return n;
  }

  /** Why there is no subscriber, or null. */
  public String resolveError() {
    return resolveError;
  }

  /** Stops resolving and closes every subscriber (pending acks are flushed first). */
  public Future<Void> close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    List<Future<Void>> closing = new ArrayList<>();
    for (EdgeSubscriber s : byAddress.values()) {
      closing.add(drop(s));
    }
    byAddress.clear();
    retiring.clear();
    return Future.all(closing).mapEmpty();
  }
}
