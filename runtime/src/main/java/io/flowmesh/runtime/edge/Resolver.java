package io.flowmesh.runtime.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Turns the upstream's host name into addresses; the future completes on the caller's context. */
@FunctionalInterface
public interface Resolver {

  Future<List<String>> resolve(String host);

  /**
   * The system resolver ({@code /etc/hosts}, DNS), called on a worker thread so the event loop never
   * blocks. The JVM caches answers (30 s by default, {@code networkaddress.cache.ttl}).
   */
  static Resolver system(Vertx vertx) {
    return host -> vertx.executeBlocking(() -> {
      List<String> out = new ArrayList<>();
      for (InetAddress a : InetAddress.getAllByName(host)) {
        out.add(a.getHostAddress());
      }
      return out;
    }, false);
  }
}
