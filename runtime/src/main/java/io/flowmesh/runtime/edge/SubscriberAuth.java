package io.flowmesh.runtime.edge;

import io.flowmesh.runtime.auth.BearerToken;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.NetUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.common.GrpcStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a stream on an upstream's edge may subscribe. When the stream opens, before any
 * frame is read: the {@code authorization: Bearer <edge.token>} metadata, when the upstream has a
 * token ({@code UNAUTHENTICATED} when it is missing or wrong). At the hello: the claimed vertex
 * must be one this upstream serves, and with mutual TLS the client certificate must name it
 * ({@code PERMISSION_DENIED} otherwise; see {@link PeerNames}); with named edges ({@code X.edge.to})
 * the hello must name one of them and, when it names its upstream, this vertex ({@code NOT_FOUND}
 * otherwise, naming the edge {@code upstream -> vertex}). A refusal says what was wrong —
 * never the secret — and is counted in {@code flowmesh_edge_refused_total{reason}} and logged at
 * most once a minute per peer host.
 *
 * <h2>Concurrency</h2>
 * Owned by its {@link EdgeServer}'s event loop.
 */
final class SubscriberAuth {

  private static final Logger LOG = LoggerFactory.getLogger(SubscriberAuth.class);
  /** The gRPC metadata key that carries the token. */
  static final String METADATA_KEY = "authorization";
  static final String NO_TOKEN = "no-token";
  static final String WRONG_TOKEN = "wrong-token";
  static final String VERTEX_NOT_ALLOWED = "vertex-not-allowed";
  static final String CERTIFICATE_MISMATCH = "certificate-mismatch";
  static final String UNKNOWN_EDGE = "unknown-edge";
  static final String WRONG_UPSTREAM = "wrong-upstream";
  private static final long LOG_INTERVAL_MILLIS = 60_000;
  private static final int PEERS_REMEMBERED = 1024;

  /** Why a stream was refused: its status, the metric's reason, and the message the peer is told. */
  record Refusal(GrpcStatus status, String reason, String message) {
  }

  private final String vertex;
  private final EdgeAuth auth;
  private final BearerToken token;
  private final boolean mutualTls;
  private final Map<String, Counter> refused = new LinkedHashMap<>();
  private final Map<String, LogLimiter> logByPeer = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, LogLimiter> eldest) {
      return size() > PEERS_REMEMBERED;
    }
  };

  SubscriberAuth(String vertex, EdgeOptions options, MeterRegistry registry) {
    this(vertex, options, false, registry);
  }

  /** @param namedEdges whether the vertex has named edges ({@code X.edge.to}): then edge refusals are counted too */
  SubscriberAuth(String vertex, EdgeOptions options, boolean namedEdges, MeterRegistry registry) {
    this.vertex = vertex;
    this.auth = options.auth();
    this.token = auth.token() == null ? null : new BearerToken(auth.token());
    this.mutualTls = options.tls().enabled() && options.tls().mutual();
    List<String> reasons = namedEdges
        ? List.of(NO_TOKEN, WRONG_TOKEN, VERTEX_NOT_ALLOWED, CERTIFICATE_MISMATCH, UNKNOWN_EDGE, WRONG_UPSTREAM)
        : List.of(NO_TOKEN, WRONG_TOKEN, VERTEX_NOT_ALLOWED, CERTIFICATE_MISMATCH);
    for (String reason : reasons) {
      refused.put(reason, Counter.builder("flowmesh.edge.refused")
          .description("Subscribe streams refused: no or wrong edge token, a vertex this edge does not serve, a certificate naming "
              + "another vertex, an edge this vertex does not have")
          .tag("vertex", vertex).tag("reason", reason).register(registry));
    }
  }

  /** At stream open, from the metadata alone: null when the stream may go on. */
  Refusal atOpen(MultiMap headers) {
    if (token == null) {
      return null;
    }
    String presented = headers.get(METADATA_KEY);
    if (presented == null) {
      return new Refusal(GrpcStatus.UNAUTHENTICATED, NO_TOKEN, "no edge token: upstream vertex " + vertex
          + " requires 'authorization: Bearer <edge.token>' in the Subscribe metadata (set the same edge.token, "
          + "FLOWMESH_EDGE_TOKEN, on every service of the pipeline)");
    }
    if (!token.matches(presented)) {
      return new Refusal(GrpcStatus.UNAUTHENTICATED, WRONG_TOKEN, "wrong edge token: the token presented is not upstream vertex "
          + vertex + "'s edge.token (every service of the pipeline needs the same FLOWMESH_EDGE_TOKEN)");
    }
    return null;
  }

  /**
   * At the hello, with named edges: null when vertex {@code claimed} is one this vertex has an edge to
   * and {@code upstream} (the upstream the subscriber expects; empty when it has only an address) is
   * this vertex.
   */
  Refusal atEdge(String claimed, String upstream, EdgeRoutes routes) {
    if (routes.single()) {
      return null;
    }
    if (!upstream.isEmpty() && !upstream.equals(vertex)) {
      return new Refusal(GrpcStatus.NOT_FOUND, WRONG_UPSTREAM, "edge " + clip(upstream) + " -> " + clip(claimed) + ": this is vertex "
          + vertex + ", not " + PeerNames.quote(upstream) + " (the subscriber's address for its upstream "
          + PeerNames.quote(upstream) + " leads to vertex " + vertex + ")");
    }
    if (!routes.names().contains(claimed)) {
      return new Refusal(GrpcStatus.NOT_FOUND, UNKNOWN_EDGE, "edge " + vertex + " -> " + clip(claimed) + ": vertex " + vertex
          + " has no edge to vertex " + PeerNames.quote(claimed) + "; its edges go to " + routes.names() + " (" + routes.toKey() + ")");
    }
    return null;
  }

  /** A peer-supplied name in an edge's name: at most 64 characters. */
  private static String clip(String name) {
    return name.length() > 64 ? name.substring(0, 64) + "…" : name;
  }

  /** At the hello, which claims {@code claimed}: null when it may subscribe. */
  Refusal atHello(HttpConnection connection, String claimed) {
    if (!auth.allows(claimed)) {
      return new Refusal(GrpcStatus.PERMISSION_DENIED, VERTEX_NOT_ALLOWED, "vertex " + PeerNames.quote(claimed)
          + " may not subscribe to vertex " + vertex + ": it serves " + new TreeSet<>(auth.allowedSubscribers())
          + " (" + vertex + ".edge.allowed-subscribers)");
    }
    if (mutualTls) {
      List<String> names = PeerNames.of(connection);
      if (!PeerNames.namesVertex(names, claimed)) {
        return new Refusal(GrpcStatus.PERMISSION_DENIED, CERTIFICATE_MISMATCH, "the client certificate names " + names
            + ", not vertex " + PeerNames.quote(claimed) + " that the hello claims; a subscriber's certificate must name its vertex ("
            + PeerNames.EXPECTED + ")");
      }
    }
    return null;
  }

  /** Counts a refusal and logs it, at most once a minute per peer host. */
  void refused(SocketAddress peer, Refusal r) {
    refused.get(r.reason()).increment();
    String host = peer == null ? "?" : peer.hostAddress();
    LogLimiter limiter = logByPeer.computeIfAbsent(host == null ? String.valueOf(peer) : host, h -> new LogLimiter(LOG_INTERVAL_MILLIS));
    if (limiter.allow()) {
      LOG.warn("edge subscriber refused vertex={} peer={} status={} reason={}{}", vertex, peer, r.status().name(), r.message(),
          limiter.suppressedSuffix());
    }
  }

  /**
   * The warning a service logs once at start when its edge listens beyond loopback with neither a
   * token nor mutual TLS, or null when it does not.
   */
  static String exposureWarning(String vertex, String host, EdgeOptions options) {
    if (isLoopback(host) || options.auth().token() != null || (options.tls().enabled() && options.tls().mutual())) {
      return null;
    }
    return "edge of vertex " + vertex + " listens on " + host + ", beyond loopback, with neither edge.token nor mutual TLS: "
        + "any process that reaches it can subscribe and take messages off the pipeline. Set the same edge.token "
        + "(FLOWMESH_EDGE_TOKEN) on every service, or tls.enabled=true and tls.mutual=true with certificates naming each vertex";
  }

  /** Whether {@code host} (a bind address) is a loopback address or {@code localhost}; no DNS lookup. */
  static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(h);
    try {
      return ip != null && InetAddress.getByAddress(ip).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
