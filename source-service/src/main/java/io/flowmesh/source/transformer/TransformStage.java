package io.flowmesh.source.transformer;

import com.google.protobuf.Timestamp;
import io.flowmesh.proto.edge.v1.Message;
import io.flowmesh.proto.udf.sourcetransformer.v1.Handshake;
import io.flowmesh.proto.udf.sourcetransformer.v1.SourceTransformRequest;
import io.flowmesh.proto.udf.sourcetransformer.v1.SourceTransformResponse;
import io.flowmesh.runtime.edge.AckListener;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.runtime.udf.GrpcFrames;
import io.flowmesh.runtime.udf.StreamEnd;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.runtime.udf.UdfHealth;
import io.flowmesh.runtime.udf.UdfService;
import io.flowmesh.runtime.udf.UdfStream;
import io.flowmesh.source.engine.EventTimeWatermark;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source transformer between a producer and the edge: an {@link EdgeServer.Intake} that sends
 * each offered message to the user's {@code SourceTransformFn} and puts what comes back on the
 * edge. At most {@code concurrency} inputs are in the UDF; answers come back out of order, each
 * with 0..n results. A result tagged {@code U+005C__DROP__} is dropped. The outputs of input {@code id}
 * are named {@code id} (exactly one result) or {@code id/<index>}, so a redelivered input gives the
 * same ids. The input is acked to its producer once every output is acked (at once with none).
 *
 * <p>When the stream breaks (the UDF went away, broke the protocol, or left a request unanswered
 * past {@code source.transformer.timeout}), everything in the UDF is sent again on the next stream,
 * opened with backoff: nothing is lost, and nothing answered is sent twice.
 *
 * <h2>Concurrency</h2>
 * Create and use on the source verticle's event loop.
 */
public final class TransformStage implements EdgeServer.Intake, UdfStream.Events<SourceTransformResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(TransformStage.class);
  /** Numaflow's tag that drops a result (the SDKs' {@code Message.DROP}). */
  public static final String DROP = "U+005C__DROP__";
  static final String KIND = "source transformer";

  /** One input in the stage: sent or waiting to be, then its outputs outstanding on the edge. */
  static final class Pending {
    final Message input;
    final Object attachment;
    long sentNanos;
    int outstanding;

    Pending(Message input, Object attachment) {
      this.input = input;
      this.attachment = attachment;
    }
  }

  private final Vertx vertx;
  private final EdgeServer server;
  private final AckListener upstream;
  private final int concurrency;
  private final UdfConnection connection;
  private final UdfChannel channel;
  private final UdfStream.Spec<SourceTransformResponse> spec;
  private final UdfHealth health;
  private final Backoff backoff;
  private final TransformerMetrics metrics;
  private final long timeoutNanos;
  /** Sent on the current stream, not answered yet, by input id. */
  private final Map<String, Pending> inFlight = new HashMap<>();
  /** Not sent yet (no open stream), or to send again after a broken stream. */
  private final ArrayDeque<Pending> unsent = new ArrayDeque<>();
  /** Outputs the edge's queue had no room for. */
  private final ArrayDeque<Object[]> backlog = new ArrayDeque<>();
  private final Timestamp.Builder ts = Timestamp.newBuilder();
  private UdfStream<SourceTransformResponse> stream;
  private final EventTimeWatermark watermark;
  private int attempt;
  private long sweepTimer = -1;
  private long reopenTimer = -1;
  /** Whether the current stream got its handshake answer. */
  private boolean streamOpened;
  private boolean closed;
  /** The fault last logged at WARN; the same fault again is logged at DEBUG until a valid answer. */
  private String lastLogged;

  /**
   * @param upstream told when an input is done (every output acked): the producer's ack
   */
  public TransformStage(Vertx vertx, EdgeServer server, TransformerConfig config, MeterRegistry registry,
      AckListener upstream, java.time.Duration maxDelay, java.time.Duration idleTimeout) {
    this.watermark = new EventTimeWatermark(maxDelay.toMillis(), idleTimeout.toNanos(), System.nanoTime());
    this.vertx = vertx;
    this.server = server;
    this.upstream = upstream;
    this.concurrency = config.concurrency();
    this.connection = config.connection();
    this.channel = new UdfChannel(vertx, connection, UdfService.SOURCE_TRANSFORM);
    byte[] handshake = GrpcFrames.frame(SourceTransformRequest.newBuilder()
        .setHandshake(Handshake.newBuilder().setSot(true)).build());
    this.spec = new UdfStream.Spec<>(channel.method("SourceTransformFn"), handshake, SourceTransformResponse.parser(),
        r -> r.hasHandshake() && r.getHandshake().getSot(), "SourceTransformResponse");
    this.health = new UdfHealth(KIND, "sourcetransformer.v1", channel.address(), connection.key("address"));
    this.backoff = new Backoff(connection.reconnectInitialBackoff(), connection.reconnectMaxBackoff());
    this.metrics = new TransformerMetrics(registry);
    this.timeoutNanos = connection.timeout().toNanos();
  }

  /** Takes the edge's intake and opens the first stream. */
  public void start() {
    server.intake(this);
    sweepTimer = vertx.setPeriodic(Math.max(50, Math.min(1000, connection.timeout().toMillis() / 4)), id -> sweep());
    open();
  }

  @Override
  public boolean offer(Message m, Object attachment) {
    if (closed || held() >= concurrency || !backlog.isEmpty()) {
      return false;
    }
    Pending p = new Pending(m, attachment);
    if (stream != null && stream.isOpen()) {
      send(p);
    } else {
      unsent.add(p);
    }
    return true;
  }

  @Override
  public long room() {
    return closed || !backlog.isEmpty() ? 0 : Math.max(0, concurrency - held());
  }

  /** Inputs in the stage (in the UDF or waiting to be sent). */
  public int held() {
    return inFlight.size() + unsent.size();
  }

  /** An output was acked end to end: its input is done once all of its outputs are. */
  public void acked(Message m, Object attachment) {
    if (attachment instanceof Pending p) {
      if (--p.outstanding == 0) {
        upstream.acked(p.input, p.attachment);
      }
    } else {
      upstream.acked(m, attachment);
    }
  }

  /**
   * The watermark from the transformer's event times: the largest one put on the edge (never ahead
   * of the wall clock) minus {@code source.max-delay}; the wall clock minus that when idle.
   */
  public long watermark(long nowMillis) {
    return watermark.watermark(nowMillis, System.nanoTime(), unsent() + server.queued());
  }

  /** Inputs and outputs not on the edge yet. */
  public int unsent() {
    return held() + backlog.size();
  }

  private void open() {
    reopenTimer = -1;
    if (closed) {
      return;
    }
    streamOpened = false;
    stream = new UdfStream<>(channel, spec, vertx.getOrCreateContext(), true, this);
    stream.open();
  }

  private void send(Pending p) {
    SourceTransformRequest.Request.Builder r = SourceTransformRequest.Request.newBuilder()
        .setId(p.input.getId()).setValue(p.input.getValue()).addAllKeys(p.input.getKeysList())
        .putAllHeaders(p.input.getHeadersMap());
    r.setEventTime(timestamp(p.input.getEventTime()));
    long wm = server.watermark();
    if (wm > 0) {
      r.setWatermark(timestamp(wm));
    }
    stream.send(GrpcFrames.frame(SourceTransformRequest.newBuilder().setRequest(r).build()));
    p.sentNanos = System.nanoTime();
    inFlight.put(p.input.getId(), p);
  }

  private Timestamp timestamp(long millis) {
    return ts.setSeconds(Math.floorDiv(millis, 1000)).setNanos(Math.floorMod(millis, 1000) * 1_000_000).build();
  }

  @Override
  public void onOpen(UdfStream<SourceTransformResponse> s) {
    streamOpened = true;
    health.reachable();
    while (!unsent.isEmpty() && s.isOpen()) {
      send(unsent.poll());
    }
  }

  @Override
  public void onResponse(UdfStream<SourceTransformResponse> s, SourceTransformResponse response) {
    Pending p = inFlight.remove(response.getId());
    if (p == null) {
      s.fail("a response for id '" + response.getId() + "', which is not in flight on this stream");
      return;
    }
    health.answered();
    attempt = 0;
    lastLogged = null;
    List<SourceTransformResponse.Result> results = response.getResultsList();
    int kept = 0;
    for (int i = 0; i < results.size(); i++) {
      if (!results.get(i).getTagsList().contains(DROP)) {
        kept++;
      }
    }
    metrics.answered(kept, results.size() - kept);
    if (kept == 0) {
      upstream.acked(p.input, p.attachment);
    } else {
      p.outstanding = kept;
      int index = 0;
      long nowMillis = System.currentTimeMillis();
      long nowNanos = System.nanoTime();
      for (int i = 0; i < results.size(); i++) {
        SourceTransformResponse.Result r = results.get(i);
        if (!r.getTagsList().contains(DROP)) {
          emit(output(p.input, r, kept == 1 ? p.input.getId() : p.input.getId() + "/" + index, nowMillis, nowNanos), p);
          index++;
        }
      }
    }
    server.signalDemand();
  }

  private Message output(Message in, SourceTransformResponse.Result r, String id, long nowMillis, long nowNanos) {
    long eventTime = r.hasEventTime()
        ? r.getEventTime().getSeconds() * 1000 + r.getEventTime().getNanos() / 1_000_000 : in.getEventTime();
    watermark.seen(eventTime, nowMillis, nowNanos);
    return Message.newBuilder().setId(id).setValue(r.getValue()).addAllKeys(r.getKeysList()).setEventTime(eventTime)
        .putAllHeaders(in.getHeadersMap()).setIngestTime(in.getIngestTime()).addAllTags(r.getTagsList()).build();
  }

  private void emit(Message out, Pending p) {
    if (!backlog.isEmpty() || !server.enqueue(out, p)) {
      backlog.add(new Object[] {out, p});
    }
  }

  /** Moves outputs the queue had no room for onto the edge; the edge calls it after each dispatch. */
  @Override
  public void pull() {
    while (!backlog.isEmpty()) {
      Object[] o = backlog.peek();
      if (!server.enqueue((Message) o[0], o[1])) {
        return;
      }
      backlog.poll();
    }
  }

  @Override
  public void onEnd(UdfStream<SourceTransformResponse> s, StreamEnd end) {
    if (s != stream) {
      return;
    }
    stream = null;
    String fault = fault(s, end);
    metrics.error(fault);
    if (fault.equals("unreachable")) {
      health.unreachable(end.detail());
    } else if (end.kind() == StreamEnd.Kind.VIOLATION) {
      health.violation(end.detail());
      boolean again = fault.equals(lastLogged);
      lastLogged = fault;
      (again ? LOG.atDebug() : LOG.atWarn()).log("{} at {} broke the sourcetransformer.v1 protocol ({}): {}; {} message(s) in flight are sent again on a new stream",
          KIND, channel.address(), fault, end.detail(), inFlight.size());
    } else {
      health.unreachable(end.toString());
      boolean again = fault.equals(lastLogged);
      lastLogged = fault;
      (again ? LOG.atDebug() : LOG.atWarn()).log("{} at {} stream ended ({}): {}; {} message(s) in flight are sent again on a new stream",
          KIND, channel.address(), fault, end, inFlight.size());
    }
    requeueInFlight();
    if (!closed) {
      reopenTimer = vertx.setTimer(Math.max(1, backoff.delayNanos(++attempt) / 1_000_000), id -> open());
    }
  }

  private String fault(UdfStream<SourceTransformResponse> s, StreamEnd end) {
    String d = end.detail();
    if (end.kind() == StreamEnd.Kind.VIOLATION) {
      if (d.contains("handshake")) {
        return "handshake";
      }
      if (d.startsWith("a response for id")) {
        return "unknown-id";
      }
      if (d.startsWith("no response")) {
        return "timeout";
      }
      return "malformed";
    }
    if (!streamOpened) {
      return "unreachable";
    }
    return end.kind() == StreamEnd.Kind.STATUS ? "status" : "transport";
  }

  /** In-flight inputs go to the front of what is sent next, oldest first. */
  private void requeueInFlight() {
    if (inFlight.isEmpty()) {
      return;
    }
    Pending[] ps = inFlight.values().toArray(new Pending[0]);
    java.util.Arrays.sort(ps, (a, b) -> Long.compare(a.sentNanos, b.sentNanos));
    for (int i = ps.length - 1; i >= 0; i--) {
      unsent.addFirst(ps[i]);
    }
    inFlight.clear();
  }

  /** Restarts the stream when a request stayed unanswered past the timeout. */
  private void sweep() {
    pull();
    if (stream == null || !stream.isOpen() || inFlight.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (Iterator<Pending> it = inFlight.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (now - p.sentNanos > timeoutNanos) {
        stream.fail("no response for id '" + p.input.getId() + "' within " + connection.key("timeout") + "="
            + connection.timeout().toMillis() + "ms");
        return;
      }
    }
  }

  /** Ready when a stream is open and the transformer broke nothing lately; else why not, naming it. */
  public Readiness readiness() {
    String problem = health.problem();
    if (problem != null) {
      return Readiness.notReady(problem);
    }
    if (stream == null || !stream.isOpen()) {
      return Readiness.notReady(KIND + " at " + channel.address() + " not connected yet (" + connection.key("address") + ")");
    }
    return Readiness.READY;
  }

  /** Completes once nothing is held here any more, or after {@code timeoutMillis}. */
  public Future<Void> drain(long timeoutMillis) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    vertx.setPeriodic(20, id -> {
      pull();
      if (unsent() == 0 || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  /** Stops the stream and the timers. */
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(sweepTimer);
    if (reopenTimer >= 0) {
      vertx.cancelTimer(reopenTimer);
    }
    if (stream != null) {
      stream.finish();
    }
    return channel.close();
  }

  public void status(JsonObject into) {
    into.put("transformer", new JsonObject().put("address", channel.address().toString()).put("inFlight", inFlight.size())
        .put("unsent", unsent.size()).put("backlog", backlog.size()).put("concurrency", concurrency)
        .put("connected", stream != null && stream.isOpen()).put("problem", health.problem()));
  }
}
