package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.config.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves an upstream's name to every address it has (replicas behind one DNS name, as with
 * compose {@code --scale} or a Kubernetes headless service) and tells the caller of each address
 * the first time it appears, at start and then every {@code interval}. Lookups run on a worker
 * thread, never on the event loop. Addresses that disappear are left alone: their subscribers
 * keep redialling with backoff, and come back if the replica does.
 *
 * <h2>Concurrency</h2>
 * Create and use on one event loop; the callback runs there.
 */
public final class UpstreamResolver {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamResolver.class);

  private final Vertx vertx;
  private final HostPort upstream;
  private final Duration interval;
  private final Consumer<HostPort> added;
  private final Set<String> known = new LinkedHashSet<>();
  private long timer = -1;

  public UpstreamResolver(Vertx vertx, HostPort upstream, Duration interval, Consumer<HostPort> added) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.interval = interval;
    this.added = added;
  }

  /** Resolves now and then periodically; completes after the first lookup (failed if the name does not resolve). */
  public Future<Void> start() {
    Future<Void> first = resolve();
    if (interval.toMillis() > 0) {
      timer = vertx.setPeriodic(interval.toMillis(), id -> resolve());
    }
    return first;
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Every address found so far. */
  public Set<String> addresses() {
    return Set.copyOf(known);
  }

  private Future<Void> resolve() {
    String host = upstream.host();
    return vertx.executeBlocking(() -> InetAddress.getAllByName(host), false).map(all -> {
      for (InetAddress a : all) {
        String ip = a.getHostAddress();
        if (known.add(ip)) {
          HostPort hp = new HostPort(ip, upstream.port());
          if (known.size() > 1) {
            LOG.info("upstream replica found name={} address={}", host, hp);
          }
          added.accept(hp);
        }
      }
      return (Void) null;
    }).onFailure(e -> {
      if (known.isEmpty()) {
        LOG.warn("upstream name does not resolve (yet) name={} error={}", host, e.toString());
      }
    });
  }
}
