package io.flowmesh.source.transformer;

import com.google.protobuf.Timestamp;
import io.flowmesh.proto.edge.v1.ReplyOutput;
import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.udf.sourcetransformer.v1.Handshake;
import io.flowmesh.proto.udf.sourcetransformer.v1.SourceTransformRequest;
import io.flowmesh.proto.udf.sourcetransformer.v1.SourceTransformResponse;
import io.flowmesh.runtime.edge.AckListener;
import io.flowmesh.runtime.edge.EdgeIntake;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.MergedReply;
import io.flowmesh.runtime.edge.MessageHeaders;
import io.flowmesh.runtime.flow.AwaitCondition;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.runtime.udf.ServerInfo;
import io.flowmesh.runtime.udf.ServerInfoReader;
import io.flowmesh.runtime.udf.StreamEnd;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.runtime.udf.UdfHealth;
import io.flowmesh.runtime.udf.UdfService;
import io.flowmesh.runtime.udf.UdfStream;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
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
 * The source transformer between a producer and the edge: an {@link EdgeIntake} that sends
 * each offered message to the user's {@code SourceTransformFn} and puts what comes back on the
 * edge. At most {@code concurrency} inputs are in the UDF; answers come back out of order, each
 * with 0..n results. A result tagged {@code U+005C__DROP__} is dropped. The outputs of input {@code id}
 * are named {@code id} (exactly one result) or {@code id/<index>}, so a redelivered input gives the
 * same ids. The input is acked to its producer once every output is acked (at once with none).
 *
 * <p>Serving: the outputs of an input marked {@code serve} are marked too, and the input is acked
 * with the union of its outputs' replies (an empty reply when the transformer kept none), so an
 * HTTP serving request through a transformer is answered with everything produced from it.
 *
 * <p>When the stream breaks (the UDF went away, broke the protocol, or left a request unanswered
 * past {@code source.transformer.timeout}: fewer answers than requests), everything in the UDF is
 * sent again on the next stream, opened with backoff: nothing is lost, and nothing answered is sent
 * twice. With {@code source.transformer.server-info-file} set, the SDK's server-info file is read
 * first (as for every UDF kind, {@link ServerInfoReader}); nothing is sent until it is right.
 * Faults are named, counted and logged by {@link TransformerFaults}.
 *
 * <h2>Concurrency</h2>
 * Create and use on the source verticle's event loop.
 */
public final class TransformStage implements EdgeIntake, UdfStream.Events<SourceTransformResponse>, AckListener {

  private static final Logger LOG = LoggerFactory.getLogger(TransformStage.class);
  /** Numaflow's tag that drops a result (the SDKs' {@code Message.DROP}). */
  public static final String DROP = "U+005C__DROP__";
  static final String KIND = "source transformer";

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
  private final TransformerFaults faults;
  private final long timeoutNanos;
  /** Sent on the current stream, not answered yet, by input id. */
  private final Map<String, TransformInput> inFlight = new HashMap<>();
  /** Not sent yet (no open stream), or to send again after a broken stream. */
  private final ArrayDeque<TransformInput> unsent = new ArrayDeque<>();
  private final TransformOutputs outputs;
  private final Timestamp.Builder ts = Timestamp.newBuilder();
  private UdfStream<SourceTransformResponse> stream;
  private int attempt;
  private long sweepTimer = -1;
  private long reopenTimer = -1;
  /** Whether the current stream got its handshake answer. */
  private boolean streamOpened;
  private boolean serverInfoRead;
  private boolean closed;

  /**
   * @param upstream told when an input is done (every output acked): the producer's ack
   */
  public TransformStage(Vertx vertx, EdgeServer server, TransformerConfig config, MeterRegistry registry,
      AckListener upstream, java.time.Duration maxDelay, java.time.Duration idleTimeout) {
    this.outputs = new TransformOutputs(server, maxDelay, idleTimeout);
    this.vertx = vertx;
    this.server = server;
    this.upstream = upstream;
    this.concurrency = config.concurrency();
    this.connection = config.connection();
    this.channel = new UdfChannel(vertx, connection, UdfService.SOURCE_TRANSFORM);
    byte[] handshake = GrpcFrames.frame(SourceTransformRequest.newBuilder()
        .setHandshake(Handshake.newBuilder().setSot(true)).build());
    this.spec = UdfStream.Spec.protobuf(channel.method("SourceTransformFn"), handshake, SourceTransformResponse.parser(),
        r -> r.hasHandshake() && r.getHandshake().getSot(), "SourceTransformResponse");
    this.health = new UdfHealth(KIND, "sourcetransformer.v1", channel.address(), connection.key("address"));
    this.backoff = new Backoff(connection.reconnectInitialBackoff(), connection.reconnectMaxBackoff());
    this.metrics = new TransformerMetrics(registry);
    this.faults = new TransformerFaults(health, metrics);
    this.timeoutNanos = connection.timeout().toNanos();
  }

  /** Takes the edge's intake and opens the first stream. */
  public void start() {
    server.intake(this);
    sweepTimer = vertx.setPeriodic(Math.max(50, Math.min(1000, connection.timeout().toMillis() / 4)), id -> sweep());
    open();
  }

  @Override
  public boolean offer(EdgeMessage m, Object attachment) {
    if (closed || held() >= concurrency || outputs.backlog() > 0) {
      return false;
    }
    TransformInput p = new TransformInput(m, attachment);
    if (stream != null && stream.isOpen()) {
      send(p);
    } else {
      unsent.add(p);
    }
    return true;
  }

  @Override
  public long room() {
    return closed || outputs.backlog() > 0 ? 0 : Math.max(0, concurrency - held());
  }

  /** Inputs in the stage (in the UDF or waiting to be sent). */
  public int held() {
    return inFlight.size() + unsent.size();
  }

  /**
   * An output was acked end to end, with its reply when it was a serving message: its input is done
   * (and acked upstream with the union of its outputs' replies) once all of its outputs are.
   */
  @Override
  public void acked(EdgeMessage m, Object attachment, List<ReplyOutput> reply) {
    if (attachment instanceof TransformInput p) {
      p.reply(reply, server.maxFrameBytes());
      if (--p.outstanding == 0) {
        upstream.acked(p.input, p.attachment, p.upstreamReply(server.vertex()));
      }
    } else {
      upstream.acked(m, attachment, reply);
    }
  }

  /**
   * The watermark from the transformer's event times: the largest one put on the edge (never ahead
   * of the wall clock) minus {@code source.max-delay}; the wall clock minus that when idle.
   */
  public long watermark(long nowMillis) {
    return outputs.watermark(nowMillis, unsent() + server.queued());
  }

  /** Inputs and outputs not on the edge yet. */
  public int unsent() {
    return held() + outputs.backlog();
  }

  private void open() {
    reopenTimer = -1;
    if (closed) {
      return;
    }
    if (connection.serverInfoFile() != null && !serverInfoRead) {
      readServerInfo();
      return;
    }
    streamOpened = false;
    stream = new UdfStream<>(channel, spec, vertx.getOrCreateContext(), true, this);
    try {
      stream.open();
    } catch (IllegalStateException e) { // the channel's HTTP client is closed: Vert.x is closing under us
      LOG.debug("{} at {} not reopened: {}", KIND, channel.address(), e.getMessage());
      stream = null;
      closed = true;
    }
  }

  private void readServerInfo() {
    String file = connection.serverInfoFile();
    ServerInfoReader.read(vertx, file, connection.serverInfoTimeout()).onComplete(ar -> {
      if (closed) {
        return;
      }
      String problem = ar.failed() ? ar.cause().getMessage() : mismatch(ar.result());
      if (problem == null) {
        serverInfoRead = true;
        faults.serverInfoRead();
        LOG.info("{} server info {}: {}", KIND, file, ar.result());
        open();
      } else {
        long delay = Math.max(1, backoff.delayNanos(++attempt) / 1_000_000);
        faults.serverInfoFailed(file, problem, delay);
        reopenTimer = vertx.setTimer(delay, id -> open());
      }
    });
  }

  /** Why {@code info} is not a source transformer's (a map UDF's names its MAP_MODE), or null. */
  private static String mismatch(ServerInfo info) {
    String mapMode = info.metadata().get("MAP_MODE");
    return mapMode == null ? null : "it is a map UDF's (MAP_MODE=" + mapMode + "), not a source transformer's";
  }

  private void send(TransformInput p) {
    SourceTransformRequest.Request.Builder r = SourceTransformRequest.Request.newBuilder()
        .setId(p.input.getId()).setValue(p.input.getValue()).addAllKeys(p.input.getKeysList())
        .putAllHeaders(MessageHeaders.toMap(p.input));
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
    TransformInput p = inFlight.remove(response.getId());
    if (p == null) {
      s.fail("a response for id '" + response.getId() + "', which is not in flight on this stream");
      return;
    }
    faults.answered();
    attempt = 0;
    List<SourceTransformResponse.Result> results = response.getResultsList();
    int kept = TransformOutputs.kept(results);
    metrics.answered(kept, results.size() - kept);
    if (kept == 0) {
      upstream.acked(p.input, p.attachment, p.upstreamReply(server.vertex()));
    } else {
      p.outstanding = kept;
      outputs.put(p, results, kept);
    }
    server.signalDemand();
  }

  /** Moves outputs the queue had no room for onto the edge; the edge calls it after each dispatch. */
  @Override
  public void pull() {
    outputs.pull();
  }

  @Override
  public void onEnd(UdfStream<SourceTransformResponse> s, StreamEnd end) {
    if (s != stream) {
      return;
    }
    stream = null;
    faults.ended(end, streamOpened, inFlight.size());
    requeueInFlight();
    if (!closed) {
      reopenTimer = vertx.setTimer(Math.max(1, backoff.delayNanos(++attempt) / 1_000_000), id -> open());
    }
  }

  /** In-flight inputs go to the front of what is sent next, oldest first. */
  private void requeueInFlight() {
    if (inFlight.isEmpty()) {
      return;
    }
    TransformInput[] ps = inFlight.values().toArray(new TransformInput[0]);
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
    for (Iterator<TransformInput> it = inFlight.values().iterator(); it.hasNext(); ) {
      TransformInput p = it.next();
      if (now - p.sentNanos > timeoutNanos) {
        stream.fail("no response for id '" + p.input.getId() + "' within " + connection.key("timeout") + "="
            + connection.timeout().toMillis() + "ms (fewer answers than requests)");
        return;
      }
    }
  }

  /** Ready when a stream is open and the transformer broke nothing lately; else why not, naming it. */
  public Readiness readiness() {
    String problem = faults.problem();
    if (problem != null) {
      return Readiness.notReady(problem);
    }
    if (stream == null || !stream.isOpen()) {
      return Readiness.notReady(KIND + " at " + channel.address() + " not connected yet (" + connection.key("address") + ")");
    }
    return Readiness.READY;
  }

  /** Completes (never fails) once nothing is held here any more, or after {@code timeoutMillis}. */
  public Future<Void> drain(long timeoutMillis) {
    return AwaitCondition.until(vertx, () -> {
      pull();
      return unsent() == 0;
    }, System.nanoTime() + timeoutMillis * 1_000_000).transform(ar -> Future.<Void>succeededFuture());
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
        .put("unsent", unsent.size()).put("backlog", outputs.backlog()).put("concurrency", concurrency)
        .put("connected", stream != null && stream.isOpen()).put("problem", faults.problem()));
  }
}
