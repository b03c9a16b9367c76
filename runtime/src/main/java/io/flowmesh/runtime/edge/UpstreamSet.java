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
 * One {@link EdgeSubscriber} per address the upstream's name resolves to (replicas behind one
 * DNS name, as with compose {@code --scale} or a Kubernetes headless service). The name is resolved
 * (see {@link Resolver#system}) at start and every {@code resolveInterval}: a new address gets a
 * subscriber, a subscriber whose address is gone is closed (its unacked messages go back to the
 * upstream's queue). A literal IP address is not re-resolved.
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
  private final HostPort upstream;
  private final Duration resolveInterval;
  private final EdgeOptions options;
  private final MeterRegistry registry;
  private final String idPrefix;
  private final Listener listener;
  private final Resolver resolver;
  private final Map<String, EdgeSubscriber> byAddress = new LinkedHashMap<>();
  private long timer = -1;
  private long created;
  private boolean resolving;
  private boolean closed;
  private String resolveError;

  /**
   * @param vertex the vertex these subscriptions belong to (map, sink): said in the hello and
   *     tagged on the edge metrics
   * @param idPrefix prefix of the subscriber ids, e.g. {@code map-3f2a/0}
   */
  public UpstreamSet(Vertx vertx, String vertex, HostPort upstream, Duration resolveInterval, EdgeOptions options,
      MeterRegistry registry, String idPrefix, Listener listener, Resolver resolver) {
    this.vertx = vertx;
    this.vertex = vertex;
    this.upstream = upstream;
    this.resolveInterval = resolveInterval;
    this.options = options;
    this.registry = registry;
    this.idPrefix = idPrefix;
    this.listener = listener;
    this.resolver = resolver;
  }

  /** Resolves now and then every {@code resolveInterval} (a literal address is not re-resolved). */
  public void start() {
    resolve();
    if (!NetUtil.isValidIpV4Address(upstream.host()) && !NetUtil.isValidIpV6Address(upstream.host())) {
      timer = vertx.setPeriodic(resolveInterval.toMillis(), id -> resolve());
    }
  }

  private void resolve() {
    if (resolving || closed) {
      return;
    }
    resolving = true;
    resolver.resolve(upstream.host()).onComplete(ar -> {
      resolving = false;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        if (resolveError == null) {
          LOG.warn("cannot resolve upstream={} cause={} (retrying every {})", upstream, ar.cause().toString(), resolveInterval);
        }
        resolveError = "cannot resolve upstream " + upstream + ": " + ar.cause();
        return;
      }
      resolveError = null;
      reconcile(new LinkedHashSet<>(ar.result()));
    });
  }

  private void reconcile(Set<String> addresses) {
    for (String address : addresses) {
      if (!byAddress.containsKey(address)) {
        String id = idPrefix + "/" + created++;
        EdgeSubscriber s = new EdgeSubscriber(vertx, vertex, id, new HostPort(address, upstream.port()), options, registry);
        byAddress.put(address, s);
        listener.added(s);
        s.start();
        LOG.info("subscribing upstream={} address={} subscriber={}", upstream, address, id);
      }
    }
    for (Map.Entry<String, EdgeSubscriber> e : new ArrayList<>(byAddress.entrySet())) {
      if (!addresses.contains(e.getKey())) {
        LOG.info("upstream address gone upstream={} address={}; closing its edge", upstream, e.getKey());
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
