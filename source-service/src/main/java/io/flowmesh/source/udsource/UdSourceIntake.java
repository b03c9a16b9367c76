package io.flowmesh.source.udsource;

import io.flowmesh.proto.grpc.GrpcFrames;
import io.flowmesh.proto.udf.source.v1.AckResponse;
import io.flowmesh.proto.udf.source.v1.Offset;
import io.flowmesh.proto.udf.source.v1.ReadRequest;
import io.flowmesh.proto.udf.source.v1.ReadResponse;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeMessageBuilder;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.LogLimiter;
import io.flowmesh.runtime.edge.MessageHeaders;
import io.flowmesh.runtime.edge.MessageTooLargeException;
import io.flowmesh.runtime.flow.AwaitCondition;
import io.flowmesh.runtime.service.Readiness;
import io.flowmesh.runtime.udf.Backoff;
import io.flowmesh.runtime.udf.UdfChannel;
import io.flowmesh.runtime.udf.UdfConnection;
import io.flowmesh.runtime.udf.UdfHealth;
import io.flowmesh.runtime.udf.UdfService;
import io.flowmesh.runtime.udf.UdfStream;
import io.flowmesh.source.engine.EdgeFeed;
import io.flowmesh.source.engine.EventTimeWatermark;
import io.flowmesh.source.engine.IdSequence;
import io.flowmesh.source.engine.Producer;
import io.flowmesh.source.engine.SourceMetrics;
import io.vertx.core.Future;
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
 * Offsets acked end to end go back on the {@code AckFn} stream ({@link OffsetAcks}); the streams
 * and their reconnects are {@link UdSourceStreams}'. Records read and not acked when the UDF
 * restarts are the UDF's to redeliver (the SDK contract); their stable ids let a deduping sink drop
 * the second copy. What the source read and still holds unacked when it closes is nacked
 * ({@link SourceNack}), so the UDF can hand it to the next reader at once.
 *
 * <h2>Concurrency</h2>
 * Confined to the source's event loop (the streams deliver their events there).
 */
public final class UdSourceIntake implements Producer, UdSourceStreams.Owner {

  private static final Logger LOG = LoggerFactory.getLogger(UdSourceIntake.class);
  private static final Base64.Encoder OFFSET_TEXT = Base64.getUrlEncoder().withoutPadding();
  private static final long EMPTY_READ_PAUSE_MILLIS = 20;

  private final UdSourceConfig config;
  private final UdfConnection conn;
  private final UdSourceMetrics udMetrics;
  private final EventTimeWatermark watermark;
  private final Backoff backoff;
  private final LogLimiter faultLog = new LogLimiter(10_000);
  private final LogLimiter oversizedLog = new LogLimiter(10_000);
  /** Results read and not offered to the edge yet: the feed's one lane. */
  private final ArrayDeque<ReadResponse.Result> unsent = new ArrayDeque<>();
  private final List<ArrayDeque<ReadResponse.Result>> lanes = List.of(unsent);
  private final EdgeFeed<ArrayDeque<ReadResponse.Result>, ReadResponse.Result> feed;
  private Vertx vertx;
  private EdgeServer server;
  private UdfChannel channel;
  private UdfHealth health;
  private UdSourceStreams streams;
  private OffsetAcks acks;
  private SourceNack nack;
  private SourcePoll poll;
  private boolean reading;
  private boolean readPaused;
  private long requested;
  private long received;
  private long readTimer = -1;
  private int readFailuresInARow;
  private boolean stopped;
  private long acked;
  private long readFailures;

  public UdSourceIntake(UdSourceConfig config, Duration idleTimeout, SourceMetrics metrics, UdSourceMetrics udMetrics) {
    this.config = config;
    this.conn = config.connection();
    this.udMetrics = udMetrics;
    this.watermark = new EventTimeWatermark(config.maxDelay().toMillis(), idleTimeout.toNanos(), System.nanoTime());
    this.backoff = new Backoff(conn.reconnectInitialBackoff(), conn.reconnectMaxBackoff());
    this.feed = new EdgeFeed<>(new EdgeFeed.Records<>() {
      public ArrayDeque<ReadResponse.Result> unsent(ArrayDeque<ReadResponse.Result> lane) {
        return lane;
      }

      public EdgeMessage toMessage(ArrayDeque<ReadResponse.Result> lane, ReadResponse.Result r, long now) {
        return UdSourceIntake.toMessage(r, now);
      }

      public Object attachment(ArrayDeque<ReadResponse.Result> lane, ReadResponse.Result r) {
        return r.getOffset();
      }

      public void oversized(ArrayDeque<ReadResponse.Result> lane, ReadResponse.Result r, MessageTooLargeException e) {
        if (oversizedLog.allow()) {
          LOG.warn("udsource record skipped and acked: {}{}", e.getMessage(), oversizedLog.suppressedSuffix());
        }
        acks.ack(r.getOffset());
      }
    }, metrics);
  }

  @Override
  public String type() {
    return "udsource";
  }

  @Override
  public void start(Vertx vertx, EdgeServer server, IdSequence ids) {
    this.vertx = vertx;
    this.server = server;
    channel = new UdfChannel(vertx, conn, UdfService.SOURCE);
    health = new UdfHealth("udsource", "source.v1", channel.address(), conn.key("address"));
    long callTimeout = Math.max(1, conn.timeout().toMillis());
    acks = new OffsetAcks(vertx.getOrCreateContext(), udMetrics);
    nack = new SourceNack(channel, callTimeout, udMetrics);
    streams = new UdSourceStreams(vertx, channel, health, udMetrics, this);
    poll = new SourcePoll(vertx, channel, health, udMetrics, callTimeout);
    server.demandHandler(v -> emit());
    streams.connect();
    poll.start(config.pollInterval());
  }

  // ---- the streams ----

  @Override
  public void opened(boolean again) {
    if (again) {
      nack.reconnected();
    }
    acks.opened(streams.ack());
    read();
  }

  @Override
  public boolean stopReading() {
    boolean was = reading;
    cancelReadTimer();
    reading = false;
    return was;
  }

  @Override
  public void onAck(UdfStream<AckResponse> s) {
    acks.onResponse(s);
  }

  // ---- reading ----

  private void emit() {
    feed.feed(server, lanes);
    read();
  }

  private void read() {
    if (stopped || reading || readPaused || !streams.open()) {
      return;
    }
    long n = Math.min(server.demand() - unsent.size(), config.maxBatch());
    if (n <= 0) {
      return;
    }
    reading = true;
    requested = n;
    received = 0;
    streams.read().send(GrpcFrames.frame(ReadRequest.newBuilder().setRequest(ReadRequest.Request.newBuilder()
        .setNumRecords(n).setTimeoutInMs((int) Math.min(Integer.MAX_VALUE, config.readTimeout().toMillis()))).build()));
    UdfStream<ReadResponse> s = streams.read();
    readTimer = vertx.setTimer(Math.max(1, config.readTimeout().toMillis() + conn.timeout().toMillis()), id -> {
      readTimer = -1;
      s.fail("no status{eot} within " + config.readTimeout().toMillis() + "ms + " + conn.timeout().toMillis()
          + "ms (read-timeout + timeout) of a ReadRequest for " + requested
          + " records (" + received + " results so far)");
    });
  }

  @Override
  public void onRead(ReadResponse r) {
    UdfStream<ReadResponse> s = streams.read();
    if (r.hasResult()) {
      if (!reading) {
        s.fail("a ReadResponse result arrived with no ReadRequest outstanding");
        return;
      }
      ReadResponse.Result result = r.getResult();
      if (!result.hasOffset()) {
        s.fail("a ReadResponse result without an offset (result " + (received + 1) + " of the read)");
        return;
      }
      if (++received > requested) {
        s.fail("more results than the ReadRequest's num_records=" + requested);
        return;
      }
      long now = System.currentTimeMillis();
      watermark.seen(eventTime(result, now), now, System.nanoTime());
      acks.read(result.getOffset());
      unsent.addLast(result);
      if (!stopped) {
        feed.feed(server, lanes);
      }
    } else if (r.hasStatus()) {
      if (!reading) {
        s.fail("a ReadResponse status arrived with no ReadRequest outstanding");
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

  private static long eventTime(ReadResponse.Result r, long now) {
    return r.hasEventTime() ? r.getEventTime().getSeconds() * 1000 + r.getEventTime().getNanos() / 1_000_000 : now;
  }

  private static EdgeMessage toMessage(ReadResponse.Result r, long now) {
    Offset o = r.getOffset();
    EdgeMessageBuilder b = EdgeMessage.newBuilder()
        .setId("p" + o.getPartitionId() + "/" + OFFSET_TEXT.encodeToString(o.getOffset().toByteArray()))
        .setValue(r.getPayload()).setEventTime(eventTime(r, now)).setIngestTime(now).addAllKeys(r.getKeysList());
    if (r.getHeadersCount() > 0) {
      MessageHeaders.addAll(b, r.getHeadersMap());
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
  public void acked(EdgeMessage message, Object attachment) {
    acked++;
    acks.ack((Offset) attachment);
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
    poll.stop();
    unsent.clear(); // never sent, never acked: still outstanding, so nacked at close
  }

  /**
   * Stops reading, nacks what was read and not acked (the edge drained or its drain timed out:
   * no ack is coming for it), and waits up to {@code source.udsource.timeout} for the UDF to
   * confirm the acks sent; then closes the streams and the channel.
   */
  @Override
  public Future<Void> close() {
    poll.stop();
    cancelReadTimer();
    streams.stopReads(); // a result that would come now could not be delivered any more
    List<Offset> givenUp = acks.takeOutstanding();
    boolean[] nacked = new boolean[1];
    nack.nack(givenUp, "the source is stopping").onComplete(ar -> nacked[0] = true);
    return AwaitCondition.until(vertx, () -> {
      acks.flush();
      boolean ackStreamGone = streams.ack() == null || !streams.ack().isOpen();
      return nacked[0] && (acks.unconfirmed() == 0 || ackStreamGone);
    }, System.nanoTime() + conn.timeout().toNanos()).transform(ar -> {
      // closed whatever happened (settled, timed out, or the check failed)
      if (acks.unconfirmed() != 0) {
        LOG.warn("udsource closing with {} acked offsets not confirmed by the UDF; it will deliver them again", acks.unconfirmed());
      }
      streams.close();
      return channel.close().transform(closed -> Future.<Void>succeededFuture());
    });
  }

  @Override
  public Readiness readiness() {
    String problem = health.problem();
    if (problem == null && !streams.open()) {
      problem = "udsource at " + channel.address() + ": ReadFn/AckFn streams not open yet";
    }
    if (problem == null) {
      problem = poll.isReadyProblem();
    }
    return problem == null ? Readiness.READY : Readiness.notReady(problem);
  }

  @Override
  public void status(JsonObject into) {
    Readiness r = readiness();
    into.put("produced", feed.produced()).put("acked", acked).put("ackedAtUdf", acks.confirmed())
        .put("unconfirmedAcks", acks.unconfirmed()).put("unacked", acks.outstanding())
        .put("pending", poll.pending()).put("partitions", new JsonArray(new ArrayList<>(poll.partitions())))
        .put("ready", r.ready()).put("problem", r.ready() ? null : r.reason())
        .put("udsource", new JsonObject().put("address", channel.address().toString()).put("reading", reading)
            .put("unsent", unsent.size()).put("readFailures", readFailures).put("protocolFaults", streams.faults())
            .put("maxBatch", config.maxBatch()).put("readTimeoutMs", config.readTimeout().toMillis()));
  }
}
