package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.config.HostPort;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
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
 * closed (its unacked messages go back to the upstream's queue). Literal IP addresses are not
 * re-resolved; a name whose lookup fails keeps the subscribers it had.
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
  private final List<HostPort> upstreams;
  private final Duration resolveInterval;
  private final EdgeOptions options;
  private final MeterRegistry registry;
  private final String idPrefix;
  private final Listener listener;
  private final Resolver resolver;
  private final Map<HostPort, EdgeSubscriber> byAddress = new LinkedHashMap<>();
  /** The addresses each entry resolved to last (kept when a later lookup fails). */
  private final Map<HostPort, List<HostPort>> resolved = new LinkedHashMap<>();
  private long timer = -1;
  private long created;
  private boolean resolving;
  private boolean closed;
  private String resolveError;

  /**
   * @param vertex the vertex these subscriptions belong to (map, sink): said in the hello and
   *     tagged on the edge metrics
   * @param upstreams the upstream's edge addresses, at least one
   * @param idPrefix prefix of the subscriber ids, e.g. {@code map-3f2a/0}
   */
  public UpstreamSet(Vertx vertx, String vertex, List<HostPort> upstreams, Duration resolveInterval, EdgeOptions options,
      MeterRegistry registry, String idPrefix, Listener listener, Resolver resolver) {
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("no upstream address");
    }
    this.vertx = vertx;
    this.vertex = vertex;
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
        EdgeSubscriber s = new EdgeSubscriber(vertx, vertex, id, address, options, registry);
        byAddress.put(address, s);
        listener.added(s);
        s.start();
        LOG.info("subscribing upstream={} address={} subscriber={}", upstreams.size() == 1 ? upstreams.get(0) : upstreams,
            address, id);
      }
    }
    for (Map.Entry<HostPort, EdgeSubscriber> e : new ArrayList<>(byAddress.entrySet())) {
      if (!addresses.contains(e.getKey())) {
        LOG.info("upstream address gone address={}; closing its edge", e.getKey());
        byAddress.remove(e.getKey());
        drop(e.getValue());
      }
    }
  }

  private Future<Void> drop(EdgeSubscriber s) {
    listener.removed(s);
    return s.close();
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
    return Future.all(closing).mapEmpty();
  }
}
