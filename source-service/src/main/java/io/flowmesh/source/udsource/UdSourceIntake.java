package io.flowmesh.source.udsource;

import com.google.protobuf.Empty;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.source.v1.AckRequest;
import io.flowmesh.proto.udf.source.v1.AckResponse;
import io.flowmesh.proto.udf.source.v1.Handshake;
import io.flowmesh.proto.udf.source.v1.Offset;
import io.flowmesh.proto.udf.source.v1.PartitionsResponse;
import io.flowmesh.proto.udf.source.v1.PendingResponse;
import io.flowmesh.proto.udf.source.v1.ReadRequest;
import io.flowmesh.proto.udf.source.v1.ReadResponse;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.LogLimiter;
import io.flowmesh.runtime.edge.MessageTooLargeException;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.runtime.udf.GrpcFrames;
import io.flowmesh.runtime.udf.ServerInfoReader;
import io.flowmesh.runtime.udf.StreamEnd;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.runtime.udf.UdfHealth;
import io.flowmesh.runtime.udf.UdfService;
import io.flowmesh.runtime.udf.UdfStream;
import io.flowmesh.source.engine.EventTimeWatermark;
import io.flowmesh.source.engine.IdSequence;
import io.flowmesh.source.engine.Producer;
import io.flowmesh.source.engine.SourceMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code source.type=udsource}: a Numaflow {@code source.v1} UDF as the source. One
 * {@code ReadFn} stream asks for what downstream credit allows (at most
 * {@code source.udsource.max-batch} per {@code ReadRequest}, one request outstanding); each result
 * becomes a message with id {@code p<partition>/<base64url offset>}, stable across redelivery.
 * Offsets acked end to end go back on one {@code AckFn} stream, batched per event-loop turn;
 * an ack batch stays "unconfirmed" until its {@code AckResponse} and is sent again after a
 * reconnect. Records read and not acked when the UDF restarts are the UDF's to redeliver (the
 * SDK contract); their stable ids let a deduping sink drop the second copy.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop (the streams deliver their events there).
 */
public final class UdSourceIntake implements Producer {

  private static final Logger LOG = LoggerFactory.getLogger(UdSourceIntake.class);
  private static final Base64.Encoder OFFSET_TEXT = Base64.getUrlEncoder().withoutPadding();
  private static final long EMPTY_READ_PAUSE_MILLIS = 20;

  private final UdSourceConfig config;
  private final UdfConnection conn;
  private final SourceMetrics metrics;
  private final UdSourceMetrics udMetrics;
  private final EventTimeWatermark watermark;
  private final Backoff backoff;
  private final LogLimiter faultLog = new LogLimiter(10_000);
  private final ArrayDeque<Message> unsent = new ArrayDeque<>();
  private final ArrayDeque<Offset> unsentOffsets = new ArrayDeque<>();
  private final ArrayDeque<List<Offset>> unconfirmed = new ArrayDeque<>();
  private List<Offset> toAck = new ArrayList<>();
  private Vertx vertx;
  private Context context;
  private EdgeServer server;
  private UdfChannel channel;
  private UdfHealth health;
  private UdfStream.Spec<ReadResponse> readSpec;
  private UdfStream.Spec<AckResponse> ackSpec;
  private UnaryCall<PendingResponse> pendingCall;
  private UnaryCall<PartitionsResponse> partitionsCall;
  private UdfStream<ReadResponse> readStream;
  private UdfStream<AckResponse> ackStream;
  private boolean serverInfoRead;
  private boolean reading;
  private boolean readPaused;
  private long requested;
  private long received;
  private long readTimer = -1;
  private long pollTimer = -1;
  private int reconnectAttempts;
  private int readFailuresInARow;
  private boolean ackFlushScheduled;
  private boolean everOpened;
  private boolean stopped;
  private String isReadyProblem = "IsReady not answered yet";
  private long pending = -1;
  private List<Integer> partitions = List.of();
  private long produced;
  private long acked;
  private long ackedAtUdf;
  private long readFailures;
  private long faults;

  public UdSourceIntake(UdSourceConfig config, Duration idleTimeout, SourceMetrics metrics, UdSourceMetrics udMetrics) {
    this.config = config;
    this.conn = config.connection();
    this.metrics = metrics;
    this.udMetrics = udMetrics;
    this.watermark = new EventTimeWatermark(config.maxDelay().toMillis(), idleTimeout.toNanos(), System.nanoTime());
    this.backoff = new Backoff(conn.reconnectInitialBackoff(), conn.reconnectMaxBackoff());
  }

  @Override
  public String type() {
    return "udsource";
  }

  @Override
  public void start(Vertx vertx, EdgeServer server, IdSequence ids) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.server = server;
    channel = new UdfChannel(vertx, conn, UdfService.SOURCE);
    health = new UdfHealth("udsource", "source.v1", channel.address(), conn.key("address"));
    readSpec = new UdfStream.Spec<>(channel.method("ReadFn"),
        GrpcFrames.frame(ReadRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build()),
        ReadResponse.parser(), r -> r.hasHandshake() && r.getHandshake().getSot(), "ReadResponse");
    ackSpec = new UdfStream.Spec<>(channel.method("AckFn"),
        GrpcFrames.frame(AckRequest.newBuilder().setHandshake(Handshake.newBuilder().setSot(true)).build()),
        AckResponse.parser(), r -> r.hasHandshake() && r.getHandshake().getSot(), "AckResponse");
    long callTimeout = Math.max(1, conn.timeout().toMillis());
    pendingCall = new UnaryCall<>(channel, "PendingFn", PendingResponse.parser(), callTimeout);
    partitionsCall = new UnaryCall<>(channel, "PartitionsFn", PartitionsResponse.parser(), callTimeout);
    server.demandHandler(v -> emit());
    connect();
    poll();
    pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> poll());
  }

  // ---- the streams ----

  private void connect() {
    if (stopped) {
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
    readStream = new UdfStream<>(channel, readSpec, context, true, new UdfStream.Events<>() {
      public void onOpen(UdfStream<ReadResponse> s) {
        opened();
      }

      public void onResponse(UdfStream<ReadResponse> s, ReadResponse r) {
        onRead(r);
      }

      public void onEnd(UdfStream<ReadResponse> s, StreamEnd end) {
        if (s == readStream) {
          broke("ReadFn", s, end);
        }
      }
    });
    ackStream = new UdfStream<>(channel, ackSpec, context, true, new UdfStream.Events<>() {
      public void onOpen(UdfStream<AckResponse> s) {
        opened();
      }

      public void onResponse(UdfStream<AckResponse> s, AckResponse r) {
        onAck(s);
      }

      public void onEnd(UdfStream<AckResponse> s, StreamEnd end) {
        if (s == ackStream) {
          broke("AckFn", s, end);
        }
      }
    });
    UdfStream<ReadResponse> r = readStream;
    UdfStream<AckResponse> a = ackStream;
    r.open();
    a.open();
    vertx.setTimer(Math.max(1, conn.timeout().toMillis()), id -> {
      if (r == readStream && !r.isOpen()) {
        r.fail("no handshake response on ReadFn within " + conn.timeout() + " (" + conn.key("timeout") + ")");
      } else if (a == ackStream && !a.isOpen()) {
        a.fail("no handshake response on AckFn within " + conn.timeout() + " (" + conn.key("timeout") + ")");
      }
    });
  }

  private void opened() {
    if (!readStream.isOpen() || !ackStream.isOpen()) {
      return;
    }
    health.reachable();
    if (everOpened) {
      udMetrics.reconnected();
    }
    everOpened = true;
    reconnectAttempts = 0;
    for (List<Offset> batch : unconfirmed) { // acked end to end, not confirmed by the UDF: again, in order
      ackStream.send(GrpcFrames.frame(AckRequest.newBuilder().setRequest(AckRequest.Request.newBuilder().addAllOffsets(batch)).build()));
    }
    flushAcks();
    read();
  }

  private void broke(String method, UdfStream<?> which, StreamEnd end) {
    boolean wasOpen = readStream.isOpen() || ackStream.isOpen() || which == readStream && reading;
    readStream.cancel();
    ackStream.cancel();
    cancelReadTimer();
    reading = false;
    // A stream cut off without its trailers is a UDF that died (kill -9), not one that broke the protocol.
    boolean cutOff = end.kind() == StreamEnd.Kind.VIOLATION && end.detail().startsWith("the stream ended");
    if (end.kind() == StreamEnd.Kind.VIOLATION && !cutOff) {
      faults++;
      udMetrics.fault();
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
    if (stopped) {
      return;
    }
    long delay = Math.max(1, backoff.delayNanos(++reconnectAttempts) / 1_000_000);
    vertx.setTimer(delay, id -> connect());
  }

  // ---- reading ----

  private void emit() {
    while (!unsent.isEmpty()) {
      if (!offer(unsent.peekFirst(), unsentOffsets.peekFirst())) {
        return;
      }
      unsent.pollFirst();
      unsentOffsets.pollFirst();
    }
    read();
  }

  private void read() {
    if (stopped || reading || readPaused || readStream == null || !readStream.isOpen() || !ackStream.isOpen()) {
      return;
    }
    long n = Math.min(server.demand() - unsent.size(), config.maxBatch());
    if (n <= 0) {
      return;
    }
    reading = true;
    requested = n;
    received = 0;
    readStream.send(GrpcFrames.frame(ReadRequest.newBuilder().setRequest(ReadRequest.Request.newBuilder()
        .setNumRecords(n).setTimeoutInMs((int) Math.min(Integer.MAX_VALUE, config.readTimeout().toMillis()))).build()));
    UdfStream<ReadResponse> s = readStream;
    readTimer = vertx.setTimer(Math.max(1, config.readTimeout().toMillis() + conn.timeout().toMillis()), id -> {
      readTimer = -1;
      s.fail("no status{eot} within " + config.readTimeout().toMillis() + "ms + " + conn.timeout().toMillis()
          + "ms (read-timeout + timeout) of a ReadRequest for " + requested
          + " records (" + received + " results so far)");
    });
  }

  private void onRead(ReadResponse r) {
    if (r.hasResult()) {
      if (!reading) {
        readStream.fail("a ReadResponse result arrived with no ReadRequest outstanding");
        return;
      }
      ReadResponse.Result result = r.getResult();
      if (!result.hasOffset()) {
        readStream.fail("a ReadResponse result without an offset (result " + (received + 1) + " of the read)");
        return;
      }
      if (++received > requested) {
        readStream.fail("more results than the ReadRequest's num_records=" + requested);
        return;
      }
      Message m = toMessage(result);
      if (!unsent.isEmpty() || !offer(m, result.getOffset())) {
        unsent.addLast(m);
        unsentOffsets.addLast(result.getOffset());
      }
    } else if (r.hasStatus()) {
      if (!reading) {
        readStream.fail("a ReadResponse status arrived with no ReadRequest outstanding");
        return;
      }
      endOfRead(r.getStatus());
    }
  }

  private void endOfRead(ReadResponse.Status status) {
    cancelReadTimer();
    reading = false;
    health.answered();
    if (status.getCode() == ReadResponse.Status.Code.FAILURE) {
      readFailures++;
      udMetrics.readFailed();
      long delay = Math.max(1, backoff.delayNanos(++readFailuresInARow) / 1_000_000);
      if (faultLog.allow()) {
        LOG.warn("udsource at {}: ReadFn answered status FAILURE ({}{}) after {} of {} records; reading again in {}ms{}",
            channel.address(), status.hasError() ? status.getError() : "no error code", status.hasMsg() ? ": " + status.getMsg() : "",
            received, requested, delay, faultLog.suppressedSuffix());
      }
      pauseReads(delay);
      return;
    }
    readFailuresInARow = 0;
    if (received == 0) {
      pauseReads(EMPTY_READ_PAUSE_MILLIS); // the UDF waited its timeout or had nothing: no busy loop
    } else {
      read();
    }
  }

  private void pauseReads(long millis) {
    readPaused = true;
    vertx.setTimer(millis, id -> {
      readPaused = false;
      read();
    });
  }

  private boolean offer(Message m, Offset offset) {
    try {
      if (!server.offer(m, offset)) {
        return false;
      }
    } catch (MessageTooLargeException e) {
      LOG.warn("udsource record {} skipped and acked: {}", m.getId(), e.getMessage());
      ack(offset);
      return true;
    }
    produced++;
    metrics.produced(1, m.getValue().size());
    return true;
  }

  private Message toMessage(ReadResponse.Result r) {
    long now = System.currentTimeMillis();
    long eventTime = r.hasEventTime() ? r.getEventTime().getSeconds() * 1000 + r.getEventTime().getNanos() / 1_000_000 : now;
    watermark.seen(eventTime, now, System.nanoTime());
    Offset o = r.getOffset();
    Message.Builder b = Message.newBuilder()
        .setId("p" + o.getPartitionId() + "/" + OFFSET_TEXT.encodeToString(o.getOffset().toByteArray()))
        .setValue(r.getPayload()).setEventTime(eventTime).setIngestTime(now).addAllKeys(r.getKeysList());
    if (r.getHeadersCount() > 0) {
      b.putAllHeaders(r.getHeadersMap());
    }
    return b.build();
  }

  private void cancelReadTimer() {
    if (readTimer >= 0) {
      vertx.cancelTimer(readTimer);
      readTimer = -1;
    }
  }

  // ---- acking ----

  @Override
  public void acked(Message message, Object attachment) {
    acked++;
    ack((Offset) attachment);
  }

  private void ack(Offset offset) {
    toAck.add(offset);
    if (!ackFlushScheduled) {
      ackFlushScheduled = true;
      context.runOnContext(v -> {
        ackFlushScheduled = false;
        flushAcks();
      });
    }
  }

  private void flushAcks() {
    if (toAck.isEmpty() || ackStream == null || !ackStream.isOpen()) {
      return; // kept; sent once the AckFn stream is open again
    }
    ackStream.send(GrpcFrames.frame(AckRequest.newBuilder().setRequest(AckRequest.Request.newBuilder().addAllOffsets(toAck)).build()));
    unconfirmed.addLast(toAck);
    toAck = new ArrayList<>();
  }

  private void onAck(UdfStream<AckResponse> s) {
    List<Offset> batch = unconfirmed.pollFirst();
    if (batch == null) {
      s.fail("an AckResponse arrived with no AckRequest unanswered");
      return;
    }
    ackedAtUdf += batch.size();
    udMetrics.ackedAtUdf(batch.size());
  }

  // ---- health, pending, partitions ----

  private void poll() {
    if (stopped) {
      return;
    }
    channel.isReady().onComplete(ar -> isReadyProblem = ar.failed() ? health.unreachableLine(ar.cause())
        : ar.result() ? null : "udsource at " + channel.address() + " is not ready (IsReady answered false)");
    pendingCall.call().onComplete(ar -> {
      pending = ar.succeeded() && ar.result().getResult().getCount() >= 0 ? ar.result().getResult().getCount() : -1;
      udMetrics.pending(pending);
    });
    partitionsCall.call().onSuccess(p -> {
      partitions = p.getResult().getPartitionsList();
      udMetrics.partitions(partitions.size());
    });
  }

  @Override
  public void tick(long nowMillis) {
    emit();
  }

  @Override
  public long watermark(long nowMillis) {
    return watermark.watermark(nowMillis, System.nanoTime(), unsent.size());
  }

  @Override
  public void stop() {
    stopped = true;
    unsent.clear(); // never sent, never acked: the UDF reads them out again after a restart
    unsentOffsets.clear();
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(pollTimer);
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + conn.timeout().toNanos();
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      flushAcks();
      boolean settled = toAck.isEmpty() && unconfirmed.isEmpty();
      if (settled || System.nanoTime() > deadline || ackStream == null || !ackStream.isOpen()) {
        if (!settled) {
          LOG.warn("udsource closing with {} acked offsets not confirmed by the UDF; it will deliver them again",
              toAck.size() + unconfirmed.stream().mapToInt(List::size).sum());
        }
        if (readStream != null) {
          readStream.cancel();
          ackStream.cancel();
        }
        channel.close().onComplete(ar -> done.complete());
      } else {
        vertx.setTimer(10, id -> check[0].run());
      }
    };
    check[0].run();
    return done.future();
  }

  @Override
  public Readiness readiness() {
    String problem = health.problem();
    if (problem == null && (readStream == null || !readStream.isOpen() || !ackStream.isOpen())) {
      problem = "udsource at " + channel.address() + ": ReadFn/AckFn streams not open yet";
    }
    if (problem == null) {
      problem = isReadyProblem;
    }
    return problem == null ? Readiness.READY : Readiness.notReady(problem);
  }

  @Override
  public void status(JsonObject into) {
    Readiness r = readiness();
    into.put("produced", produced).put("acked", acked).put("ackedAtUdf", ackedAtUdf)
        .put("unconfirmedAcks", toAck.size() + unconfirmed.stream().mapToInt(List::size).sum())
        .put("pending", pending).put("partitions", new JsonArray(new ArrayList<>(partitions)))
        .put("ready", r.ready()).put("problem", r.ready() ? null : r.reason())
        .put("udsource", new JsonObject().put("address", channel.address().toString()).put("reading", reading)
            .put("unsent", unsent.size()).put("readFailures", readFailures).put("protocolFaults", faults)
            .put("maxBatch", config.maxBatch()).put("readTimeoutMs", config.readTimeout().toMillis()));
  }
}
