package io.flowmesh.source.udsource;

import io.flowmesh.proto.udf.source.v1.AckRequest;
import io.flowmesh.proto.udf.source.v1.AckResponse;
import io.flowmesh.proto.udf.source.v1.Handshake;
import io.flowmesh.proto.udf.source.v1.ReadRequest;
import io.flowmesh.proto.udf.source.v1.ReadResponse;
import io.flowmesh.runtime.edge.LogLimiter;
import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.runtime.udf.ServerInfoReader;
import io.flowmesh.runtime.udf.StreamEnd;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.runtime.udf.UdfHealth;
import io.flowmesh.runtime.udf.UdfStream;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ReadFn} and {@code AckFn} streams of a udsource: reads the server-info file first
 * when one is configured, opens both streams with the handshake, fails a stream whose handshake
 * answer does not come within {@code source.udsource.timeout}, and when either stream ends
 * cancels both and opens them again with backoff. A protocol violation is counted
 * ({@code flowmesh_source_udsource_protocol_faults_total}), named in one ERROR line (rate-limited)
 * and in {@code /readyz}; a stream cut off without its trailers is a UDF that went away, not a fault.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop (the streams deliver their events there).
 */
final class UdSourceStreams {

  private static final Logger LOG = LoggerFactory.getLogger(UdSourceStreams.class);

  /** What the intake hears of the streams. */
  interface Owner {
    /** Both streams answered the handshake; {@code again}: after an earlier pair broke. */
    void opened(boolean again);

    /** A {@code ReadResponse} after the handshake. */
    void onRead(ReadResponse r);

    /** An {@code AckResponse} after the handshake. */
    void onAck(UdfStream<AckResponse> s);

    /** The streams broke: stop the read outstanding, if any; true if there was one. */
    boolean stopReading();
  }

  private final Vertx vertx;
  private final Context context;
  private final UdfConnection conn;
  private final UdfChannel channel;
  private final UdfHealth health;
  private final UdSourceMetrics metrics;
  private final Owner owner;
  private final Backoff backoff;
  private final LogLimiter faultLog = new LogLimiter(10_000);
  private final UdfStream.Spec<ReadResponse> readSpec;
  private final UdfStream.Spec<AckResponse> ackSpec;
  private UdfStream<ReadResponse> read;
  private UdfStream<AckResponse> ack;
  private boolean serverInfoRead;
  private boolean everOpened;
  private boolean closed;
  private int attempts;
  private long faults;

  UdSourceStreams(Vertx vertx, UdfChannel channel, UdfHealth health, UdSourceMetrics metrics, Owner owner) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.channel = channel;
    this.conn = channel.connection();
    this.health = health;
    this.metrics = metrics;
    this.owner = owner;
    this.backoff = new Backoff(conn.reconnectInitialBackoff(), conn.reconnectMaxBackoff());
    readSpec = UdfStream.Spec.protobuf(channel.method("ReadFn"),
        GrpcFrames.frame(ReadRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build()),
        ReadResponse.parser(), r -> r.hasHandshake() && r.getHandshake().getSot(), "ReadResponse");
    ackSpec = UdfStream.Spec.protobuf(channel.method("AckFn"),
        GrpcFrames.frame(AckRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build()),
        AckResponse.parser(), r -> r.hasHandshake() && r.getHandshake().getSot(), "AckResponse");
  }

  /** The current {@code ReadFn} stream, null before the first connect. */
  UdfStream<ReadResponse> read() {
    return read;
  }

  /** The current {@code AckFn} stream, null before the first connect. */
  UdfStream<AckResponse> ack() {
    return ack;
  }

  /** True while both streams are open. */
  boolean open() {
    return read != null && read.isOpen() && ack.isOpen();
  }

  /** Protocol violations so far. */
  long faults() {
    return faults;
  }

  /** Reads the server-info file (once, when configured), then opens both streams. */
  void connect() {
    if (closed) {
      return;
    }
    if (conn.serverInfoFile() != null && !serverInfoRead) {
      ServerInfoReader.read(vertx, conn.serverInfoFile(), conn.serverInfoTimeout()).onComplete(ar -> {
        if (ar.succeeded()) {
          serverInfoRead = true;
          LOG.info("udsource server info {}: {}", conn.serverInfoFile(), ar.result());
          connect();
        } else {
          health.unreachable("server-info file " + conn.serverInfoFile() + ": " + ar.cause().getMessage());
          reconnectLater();
        }
      });
      return;
    }
    read = new UdfStream<>(channel, readSpec, context, true, new UdfStream.Events<>() {
      public void onOpen(UdfStream<ReadResponse> s) {
        opened();
      }

      public void onResponse(UdfStream<ReadResponse> s, ReadResponse r) {
        owner.onRead(r);
      }

      public void onEnd(UdfStream<ReadResponse> s, StreamEnd end) {
        if (s == read) {
          broke("ReadFn", s, end);
        }
      }
    });
    ack = new UdfStream<>(channel, ackSpec, context, true, new UdfStream.Events<>() {
      public void onOpen(UdfStream<AckResponse> s) {
        opened();
      }

      public void onResponse(UdfStream<AckResponse> s, AckResponse r) {
        owner.onAck(s);
      }

      public void onEnd(UdfStream<AckResponse> s, StreamEnd end) {
        if (s == ack) {
          broke("AckFn", s, end);
        }
      }
    });
    UdfStream<ReadResponse> r = read;
    UdfStream<AckResponse> a = ack;
    try {
      r.open();
      a.open();
    } catch (IllegalStateException e) { // the channel's HTTP client is closed: Vert.x is closing under us
      LOG.debug("udsource at {} not reconnected: {}", channel.address(), e.getMessage());
      close();
      return;
    }
    vertx.setTimer(Math.max(1, conn.timeout().toMillis()), id -> {
      if (r == read && !r.isOpen()) {
        r.fail("no handshake response on ReadFn within " + conn.timeout() + " (" + conn.key("timeout") + ")");
      } else if (a == ack && !a.isOpen()) {
        a.fail("no handshake response on AckFn within " + conn.timeout() + " (" + conn.key("timeout") + ")");
      }
    });
  }

  private void opened() {
    if (!open()) {
      return;
    }
    health.reachable();
    if (everOpened) {
      metrics.reconnected();
    }
    attempts = 0;
    owner.opened(everOpened);
    everOpened = true;
  }

  private void broke(String method, UdfStream<?> which, StreamEnd end) {
    boolean wasReading = owner.stopReading();
    boolean wasOpen = read.isOpen() || ack.isOpen() || which == read && wasReading;
    read.cancel();
    ack.cancel();
    // A stream cut off without its trailers is a UDF that died (kill -9), not one that broke the protocol.
    boolean cutOff = end.kind() == StreamEnd.Kind.VIOLATION && end.detail().startsWith("the stream ended");
    if (end.kind() == StreamEnd.Kind.VIOLATION && !cutOff) {
      faults++;
      metrics.fault();
      health.violation(method + ": " + end.detail());
      if (faultLog.allow()) {
        LOG.error("udsource at {} broke the source.v1 protocol on {}: {}; its streams are restarted{}", channel.address(), method,
            end.detail(), faultLog.suppressedSuffix());
      }
    } else if (!wasOpen || cutOff || end.kind() == StreamEnd.Kind.TRANSPORT) {
      health.unreachable(end.detail());
    } else {
      LOG.warn("udsource at {}: {} ended: {}; reconnecting", channel.address(), method, end);
    }
    reconnectLater();
  }

  private void reconnectLater() {
    if (closed) {
      return;
    }
    long delay = Math.max(1, backoff.delayNanos(++attempts) / 1_000_000);
    vertx.setTimer(delay, id -> connect());
  }

  /** Stops reading for good: the {@code ReadFn} stream is cancelled, nothing is reconnected any more. */
  void stopReads() {
    closed = true;
    if (read != null) {
      read.cancel();
    }
  }

  /** Cancels both streams; nothing is reconnected any more. */
  void close() {
    closed = true;
    if (read != null) {
      read.cancel();
      ack.cancel();
    }
  }
}
