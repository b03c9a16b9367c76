package io.flowmesh.runtime.service;

import io.flowmesh.runtime.config.ConfigKey;
import io.flowmesh.runtime.config.Settings;
import io.flowmesh.runtime.config.Types;
import io.flowmesh.runtime.edge.EdgeAuth;
import io.flowmesh.runtime.edge.EdgeOptions;
import io.flowmesh.runtime.tls.TlsOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Keys every service reads: the bind address, Vert.x tuning, shutdown, logging and the edge. */
public final class CommonKeys {

  private CommonKeys() {
  }

  /** Namespaces every service owns besides its own. */
  public static final Set<String> NAMESPACES = Set.of("bind", "vertx", "shutdown", "log", "edge", "tls", "http", "vertex");

  /**
   * {@code vertex.name}: this vertex's name, whose default is the service's kind ({@code source},
   * {@code map}, {@code sink}); so each service builds its own key with {@link VertexMain#allKeys()}.
   */
  public static ConfigKey<String> vertexName(String kind) {
    return ConfigKey.of("vertex.name", kind, Types.NAME,
        "this vertex's name (default: the service's kind): the vertex label of its metrics, in /status and its logs, "
        + "and the name it gives its upstream when subscribing; set it to tell two maps in a chain apart");
  }

  public static final ConfigKey<String> BIND_HOST = ConfigKey.of("bind.host", "127.0.0.1", Types.STRING,
      "address the HTTP and edge servers listen on (0.0.0.0 for all interfaces, as in containers)");
  public static final ConfigKey<Integer> EVENT_LOOPS = ConfigKey.of("vertx.event-loops", "0", Types.intRange(0, 256),
      "Vert.x event-loop threads (0 = one per core)");
  public static final ConfigKey<Boolean> NATIVE_TRANSPORT = ConfigKey.of("vertx.native-transport", "true", Types.BOOLEAN,
      "use Netty's native epoll transport when available (needed for unix:// UDF addresses)");
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = ConfigKey.of("shutdown.timeout", "30s", Types.durationRange("0s", "1h"),
      "on SIGTERM, how long to drain in-flight work before exiting");
  public static final ConfigKey<String> LOG_LEVEL = ConfigKey.of("log.level", "info", Types.oneOf("trace", "debug", "info", "warn", "error"),
      "log level of Flowmesh's own loggers");

  public static final ConfigKey<Integer> EDGE_MAX_BATCH = ConfigKey.of("edge.max-batch", "256", Types.intRange(1, 65536),
      "most messages per batch frame on an edge");
  public static final ConfigKey<Long> EDGE_MAX_FRAME = ConfigKey.of("edge.max-frame-bytes", "16MiB", Types.SIZE,
      "largest gRPC message accepted on an edge");
  public static final ConfigKey<Long> EDGE_MAX_MESSAGE = ConfigKey.of("edge.max-message-bytes", "4MiB", Types.SIZE,
      "largest message value; larger ones are refused with an error naming this key");
  public static final ConfigKey<Duration> EDGE_HEARTBEAT = ConfigKey.of("edge.heartbeat-interval", "100ms", Types.durationRange("1ms", "1m"),
      "how often an idle upstream sends its watermark");
  public static final ConfigKey<Duration> EDGE_NACK_BACKOFF = ConfigKey.of("edge.nack-backoff", "500ms", Types.durationRange("1ms", "10m"),
      "how long a nacked message waits before it is sent again");
  public static final ConfigKey<Duration> EDGE_ACK_DELAY = ConfigKey.of("edge.ack-delay", "1ms", Types.durationRange("0s", "1s"),
      "downstream: the longest acks wait to go out together in one frame (sooner once edge.max-batch of them wait, or with "
          + "credit, a nack or a serving reply, which never wait); what waits on acks upstream (map.output-capacity, "
          + "/ingest?wait=acked) waits up to this much longer per hop; 0: at the end of every event-loop turn, "
          + "which costs the upstream a frame and a wake-up per turn when messages finish one by one; otherwise whole "
          + "milliseconds, 1ms to 1s");
  public static final ConfigKey<Integer> EDGE_INPUT_CAPACITY = ConfigKey.of("edge.input-capacity", "8192", Types.intRange(1, 1 << 24),
      "downstream input buffer per edge, in messages (credit granted = free room)");
  public static final ConfigKey<Long> EDGE_INPUT_BYTES = ConfigKey.of("edge.input-bytes", "64MiB", Types.SIZE,
      "per edge, payload bytes buffered or handed to the vertex and not yet acked beyond which no credit is granted "
          + "(a grant is what fits at the size recent messages had; before the first, at edge.max-message-bytes)");
  public static final ConfigKey<Integer> EDGE_MAX_UNACKED = ConfigKey.of("edge.max-unacked", "65536", Types.intRange(1, 1 << 24),
      "per edge, messages handed to the vertex and not yet acked beyond which no credit is granted");
  public static final ConfigKey<Duration> EDGE_RECONNECT_INITIAL = ConfigKey.of("edge.reconnect-initial", "100ms",
      Types.durationRange("1ms", "1m"), "first delay before redialling a lost upstream; at most edge.reconnect-max");
  public static final ConfigKey<Duration> EDGE_RECONNECT_MAX = ConfigKey.of("edge.reconnect-max", "5s", Types.durationRange("1ms", "10m"),
      "cap of the redial delay (exponential, with jitter); at least edge.reconnect-initial");
  public static final ConfigKey<Duration> EDGE_PEER_TIMEOUT = ConfigKey.of("edge.peer-timeout", "20s", Types.durationRange("0s", "1h"),
      "how long an edge peer (a subscriber, or the upstream dialled) may leave an HTTP/2 PING unanswered before its connection "
          + "is closed, as a lost one: a process stopped or hung, or a path that drops packets without a reset; its unacked "
          + "messages are sent again and a subscriber redials; pings go every quarter of it; 0: never");

  public static final ConfigKey<String> EDGE_TOKEN = ConfigKey.of("edge.token", null, Types.STRING,
      "shared secret of the pipeline's edges (secret: masked in /status): a subscriber sends it as 'authorization: Bearer <token>' "
      + "on Subscribe, an upstream refuses a stream without it (UNAUTHENTICATED). Set the same value on every service; "
      + "scripts/run-local.sh makes a fresh one per run. Unset: no token");
  public static final ConfigKey<Duration> EDGE_ORPHAN_TIMEOUT = ConfigKey.of("edge.orphan-timeout", "30s", Types.durationRange("100ms", "24h"),
      "a map whose output edge has had no subscriber this long nacks its unsent inputs back upstream and takes no input until one appears; "
          + "after edge.reconnect-max (or this, if shorter) without one while messages wait, a vertex is not ready");

  public static final ConfigKey<Boolean> TLS_ENABLED = ConfigKey.of("tls.enabled", "false", Types.BOOLEAN,
      "TLS on the edges this service serves and dials (HTTP/2 negotiated with ALPN)");
  public static final ConfigKey<String> TLS_CERT = ConfigKey.of("tls.cert", null, Types.STRING,
      "PEM certificate chain this service presents (required on source and map when tls.enabled)");
  public static final ConfigKey<String> TLS_KEY = ConfigKey.of("tls.key", null, Types.STRING,
      "PEM private key of tls.cert (PKCS#8 or PKCS#1)");
  public static final ConfigKey<String> TLS_CA = ConfigKey.of("tls.ca", null, Types.STRING,
      "PEM certificates trusted for the peers (unset: the JVM's trust store)");
  public static final ConfigKey<Boolean> TLS_MUTUAL = ConfigKey.of("tls.mutual", "false", Types.BOOLEAN,
      "mutual TLS: servers require a client certificate signed by tls.ca, and clients present tls.cert");
  public static final ConfigKey<Boolean> TLS_VERIFY_HOST = ConfigKey.of("tls.verify-host", "true", Types.BOOLEAN,
      "clients check that the server certificate names the host they dialled");

  public static final ConfigKey<Duration> HTTP_IDLE_TIMEOUT = ConfigKey.of("http.idle-timeout", "30s", Types.durationRange("1s", "24h"),
      "an HTTP connection (health, metrics, /ingest) that sends or receives nothing for this long is closed; slow clients cannot pile up; "
          + "1s to 24h (0 is refused, not read as 'never': for quiet long-lived connections set a long one)");
  public static final ConfigKey<String> HTTP_TOKEN = ConfigKey.of("http.token", null, Types.STRING,
      "when set, /status and /metrics require 'Authorization: Bearer <token>' (401 otherwise); /livez and /readyz stay open for probes");

  /** Every common key. */
  public static List<ConfigKey<?>> keys() {
    return List.of(BIND_HOST, EVENT_LOOPS, NATIVE_TRANSPORT, SHUTDOWN_TIMEOUT, LOG_LEVEL, EDGE_MAX_BATCH, EDGE_MAX_FRAME,
        EDGE_MAX_MESSAGE, EDGE_HEARTBEAT, EDGE_NACK_BACKOFF, EDGE_ACK_DELAY, EDGE_INPUT_CAPACITY, EDGE_INPUT_BYTES, EDGE_MAX_UNACKED,
        EDGE_RECONNECT_INITIAL, EDGE_RECONNECT_MAX, EDGE_PEER_TIMEOUT, EDGE_TOKEN, EDGE_ORPHAN_TIMEOUT, TLS_ENABLED, TLS_CERT, TLS_KEY, TLS_CA, TLS_MUTUAL, TLS_VERIFY_HOST, HTTP_IDLE_TIMEOUT,
        HTTP_TOKEN);
  }

  /** The edge options the settings describe; bad combinations are recorded as problems. */
  public static EdgeOptions edgeOptions(Settings s) {
    long frame = s.get(EDGE_MAX_FRAME);
    long message = s.get(EDGE_MAX_MESSAGE);
    if (frame < 64 * 1024 || frame > 1L << 30) {
      s.problem(EDGE_MAX_FRAME, "allowed is 64KiB to 1GiB");
      frame = 16 << 20;
    }
    if (message < 1 || message > frame - 1024) {
      s.problem(EDGE_MAX_MESSAGE, "must be at least 1 and at most edge.max-frame-bytes - 1KiB (" + (frame - 1024) + ")");
      message = Math.min(4 << 20, frame - 1024);
    }
    Duration heartbeat = s.get(EDGE_HEARTBEAT);
    Duration ackDelay = s.get(EDGE_ACK_DELAY);
    if (!ackDelay.isZero() && ackDelay.toMillis() < 1) { // the range allows 1us; a timer does not
      s.problem(EDGE_ACK_DELAY, "allowed is 0 or 1ms to 1s (acks held longer keep the upstream's messages unacked for nothing)");
      ackDelay = Duration.ofMillis(1);
    } else if (ackDelay.toNanos() % 1_000_000 != 0) {
      // the flush timer is a Vert.x timer in milliseconds: 1500us would hold acks 1 ms, not the 1.5 asked for
      s.problem(EDGE_ACK_DELAY, "allowed are whole milliseconds (the flush timer counts milliseconds): "
          + ackDelay.toMillis() + "ms or " + (ackDelay.toMillis() + 1) + "ms");
      ackDelay = Duration.ofMillis(ackDelay.toMillis());
    }
    Duration reconnectInitial = s.get(EDGE_RECONNECT_INITIAL);
    Duration reconnectMax = s.get(EDGE_RECONNECT_MAX);
    if (reconnectInitial.compareTo(reconnectMax) > 0) {
      s.problem(EDGE_RECONNECT_INITIAL, "is above", EDGE_RECONNECT_MAX, "the first redial delay must be at most the cap");
      reconnectInitial = reconnectMax;
    }
    String token = s.get(EDGE_TOKEN);
    if (token != null && token.isBlank()) {
      s.problem(EDGE_TOKEN, "must not be blank (leave it unset for no token)");
      token = null;
    }
    return new EdgeOptions(s.get(EDGE_MAX_BATCH), (int) frame, (int) message, heartbeat, s.get(EDGE_NACK_BACKOFF), ackDelay,
        1 << 20, s.get(EDGE_INPUT_CAPACITY), Math.max(1, s.get(EDGE_INPUT_BYTES)), s.get(EDGE_MAX_UNACKED),
        reconnectInitial, reconnectMax, 4 << 20, s.get(EDGE_PEER_TIMEOUT),
        new TlsOptions(s.get(TLS_ENABLED), s.get(TLS_CERT), s.get(TLS_KEY), s.get(TLS_CA), s.get(TLS_MUTUAL), s.get(TLS_VERIFY_HOST)),
        EdgeAuth.NONE.withToken(token));
  }
}
