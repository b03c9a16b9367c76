package io.flowmesh.sink.engine;

import com.google.protobuf.ByteString;
import io.flowmesh.runtime.edge.Delivery;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeSubscriber;
import io.flowmesh.runtime.edge.Resolver;
import io.flowmesh.runtime.edge.UpstreamGroup;
import io.flowmesh.runtime.edge.UpstreamSet;
import io.flowmesh.runtime.edge.Watermarks;
import io.flowmesh.runtime.errors.Reasons;
import io.flowmesh.runtime.flow.TokenBucket;
import io.flowmesh.runtime.service.LoopHistogram;
import io.flowmesh.runtime.service.OnContext;
import io.flowmesh.sink.writer.OutBuffer;
import io.flowmesh.sink.writer.SinkWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink instance: subscribes to every address of its upstream, collects what arrives in one
 * event-loop turn into a batch, writes the batch at once, and acks its messages only after the
 * write completed (nacks them when it failed). One write is outstanding at a time; while it is,
 * new deliveries gather in the next batch, and once that holds {@code maxBatchBytes} the
 * subscribers are paused, so their input buffers fill and credit stops.
 *
 * <p>With a dedupe window, an id already written is acked and dropped; a copy of an id still being
 * written is settled once its first has ended, as the first was ({@link InFlightIds}): acked if it was
 * written, dropped alike, nacked if it was nacked — never written twice, never acked unwritten.
 *
 * <h2>Concurrency</h2>
 * All state is confined to this verticle's event loop; the writer's blocking part runs on its
 * worker and completes back here. Other threads use {@link #health()}, {@link #status()} and
 * {@link #shutdown}, which hop onto the context; the watermark is published to
 * {@link SinkMetrics} for the scraper.
 */
public final class SinkVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SinkVerticle.class);
  private static final long THROTTLE_TICK_MILLIS = 10;
  private static final long WATERMARK_TICK_MILLIS = 100;

  private final int index;
  private final SinkOptions options;
  private final SinkWriter writer;
  private final SinkMetrics metrics;
  private final LoopHistogram.Recorder latency;
  private final MeterRegistry registry;
  private final String subscriberPrefix;
  private final OutBuffer out = new OutBuffer();
  private final List<EdgeMessage> toSend = new ArrayList<>();
  /** A udsink's SERVE responses for the batch in write, by position in {@link #toSend}; null when none is marked serve. */
  private ByteString[] served;
  /** With a dedupe window and a writer that may answer SERVE (a udsink): the answers duplicates get again; else null. */
  private ServedMemory servedMemory;
  private final Handler<Void> writeTask = v -> startWrite();
  private PendingBatch pending = new PendingBatch();
  private PendingBatch inWrite = new PendingBatch();
  private Intake intake;
  private UpstreamGroup upstreams;
  private DedupeWindow window;
  private InFlightIds inFlight;
  private boolean writing;
  private boolean writeScheduled;
  private boolean stopping;
  private Promise<Void> idle;
  private Future<Void> stopped;
  private long watermark = Watermarks.NONE;
  private long written;
  private long duplicates;
  private long writeFailures;
  private String writerError;

  /** @param subscriberPrefix prefix of this instance's subscriber ids, e.g. {@code sink-1a2b/0} */
  public SinkVerticle(int index, SinkOptions options, SinkWriter writer, SinkMetrics metrics, MeterRegistry registry,
      String subscriberPrefix) {
    this.index = index;
    this.options = options;
    this.writer = writer;
    this.metrics = metrics;
    this.latency = metrics.latencyRecorder();
    this.registry = registry;
    this.subscriberPrefix = subscriberPrefix;
  }

  @Override
  public Future<?> start() {
    double rate = options.throttle();
    intake = new Intake(rate > 0 ? new TokenBucket(rate, Math.max(1, rate / 20), System.nanoTime()) : null);
    Future<?> ready = Future.succeededFuture();
    if (options.dedupeWindow() > 0) {
      window = new DedupeWindow(options.dedupeWindow());
      servedMemory = writer.sendsMessages() ? new ServedMemory() : null;
      inFlight = new InFlightIds();
      ready = writer.recentIds(options.dedupeWindow()).onSuccess(ids -> {
        ids.forEach(window::add);
        if (!ids.isEmpty()) {
          LOG.info("dedupe window restored instance={} ids={} from {}", index, ids.size(), writer.describe());
        }
      });
    }
    return ready.compose(v -> subscribe(rate));
  }

  private Future<Void> subscribe(double rate) {
    upstreams = new UpstreamGroup(vertx, options.vertexName(), options.upstream(), options.resolveInterval(), options.edge(), registry,
        subscriberPrefix, new UpstreamSet.Listener() {
          @Override
          public void added(EdgeSubscriber s) {
            s.handler(d -> onDelivery(s, d));
            intake.add(s);
          }

          @Override
          public void removed(EdgeSubscriber s) {
            intake.remove(s);
          }
        }, Resolver.system(vertx));
    upstreams.start();
    if (rate > 0) {
      vertx.setPeriodic(THROTTLE_TICK_MILLIS, id -> intake.tick(System.nanoTime()));
    }
    vertx.setPeriodic(WATERMARK_TICK_MILLIS, id -> updateWatermark());
    return Future.succeededFuture();
  }

  private void onDelivery(EdgeSubscriber from, Delivery d) {
    if (window != null) {
      String id = d.message().getId();
      if (window.contains(id)) {
        duplicates++;
        metrics.duplicates(1);
        SinkReplies.duplicate(from, d, options.vertexName(), servedMemory);
        return;
      }
      if (!inFlight.add(id)) {
        duplicates++;
        metrics.duplicates(1);
        pending.add(from, d, true);
        scheduleWrite();
        return;
      }
    }
    pending.add(from, d, false);
    scheduleWrite();
    if (writing && pending.bytes() >= options.maxBatchBytes()) {
      intake.hold(Intake.WRITER);
    }
  }

  private void scheduleWrite() {
    if (!writeScheduled) {
      writeScheduled = true;
      context.runOnContext(writeTask);
    }
  }

  private void startWrite() {
    writeScheduled = false;
    if (writing || pending.size() == 0) {
      return;
    }
    PendingBatch batch = pending;
    pending = inWrite;
    inWrite = batch;
    writing = true;
    if (writer.sendsMessages()) {
      toSend.clear();
      batch.messagesToWrite(toSend);
      served = batch.serving() ? new ByteString[toSend.size()] : null;
      writer.send(toSend, served).onComplete(ar -> finished(ar.succeeded() ? null : ar.cause(), ar.succeeded() ? ar.result() : null));
    } else {
      out.reset((int) Math.min(Integer.MAX_VALUE / 2, options.maxBatchBytes() * 2));
      if (writer.writes()) {
        for (int i = 0, n = batch.size(); i < n; i++) {
          if (!batch.duplicate(i)) {
            writer.encode(batch.delivery(i).message(), out);
          }
        }
      }
      writer.write(out).onComplete(ar -> finished(ar.cause(), null));
    }
    intake.release(Intake.WRITER);
  }

  /**
   * The write of {@code inWrite} ended: {@code cause} when it failed as a whole; else
   * {@code failedRecords} names the messages (counting non-duplicates only) that finally failed.
   */
  private void finished(Throwable cause, BitSet failedRecords) {
    PendingBatch batch = inWrite;
    int n = batch.size();
    if (cause == null) {
      long now = System.currentTimeMillis();
      long count = 0;
      long payload = 0;
      int k = 0;
      int failedNow = 0;
      for (int i = 0; i < n; i++) {
        Delivery d = batch.delivery(i);
        if (!batch.duplicate(i)) {
          EdgeMessage m = d.message();
          ByteString response = served == null ? null : served[k];
          if (failedRecords != null && failedRecords.get(k++)) {
            failedNow++;
            if (options.dropOnFailure()) {
              metrics.dropped();
              if (window != null) {
                inFlight.dropped(m.getId(), writer.lastError());
              }
              SinkReplies.dropped(batch.owner(i), d, options.vertexName(), writer.lastError());
            } else {
              String reason = "sink write failed: " + writer.lastError();
              if (window != null) {
                inFlight.nacked(m.getId(), reason);
              }
              batch.owner(i).nack(d, reason);
            }
            continue;
          }
          count++;
          payload += m.getValue().size();
          if (m.getIngestTime() > 0) {
            latency.recordMillis(now - m.getIngestTime());
          }
          if (window != null) {
            window.add(m.getId());
            inFlight.written(m.getId());
          }
          if (servedMemory != null && m.getServe()) {
            servedMemory.written(m.getId(), response);
          }
          SinkReplies.written(batch.owner(i), d, options.vertexName(), response);
          continue;
        }
        SinkReplies.copy(batch.owner(i), d, options.vertexName(), servedMemory, inFlight.settleCopy(d.message().getId()));
      }
      written += count;
      metrics.written(count, payload);
      if (failedNow > 0) {
        recordFailed(failedNow, writer.lastError(), options.dropOnFailure() ? "dropped (sink.on-failure=drop)" : "nacked");
      } else if (writerError != null) {
        LOG.info("sink writer recovered writer={} instance={}", writer.describe(), index);
        writerError = null;
      }
    } else {
      failed(batch, cause);
    }
    served = null;
    batch.clear();
    writing = false;
    if (pending.size() > 0) {
      startWrite();
    } else if (idle != null) {
      idle.tryComplete();
    }
  }

  /** Some messages of a batch failed for good: counted, logged once per failing spell, and (nacked) a pause. */
  private void recordFailed(int count, String error, String outcome) {
    writeFailures++;
    metrics.writeError();
    if (writerError == null) {
      LOG.error("sink write failed writer={} instance={} messages={} cause={} ({})", writer.describe(), index, count, error, outcome);
    }
    writerError = String.valueOf(error);
    if (!options.dropOnFailure()) {
      backoff();
    }
  }

  private void failed(PendingBatch batch, Throwable cause) {
    writeFailures++;
    metrics.writeError();
    if (writerError == null) {
      LOG.error("sink write failed writer={} instance={} messages={} cause={} (nacked; retrying after {})", writer.describe(),
          index, batch.size(), Reasons.of(cause), options.retryBackoff());
    }
    writerError = Reasons.of(cause);
    String reason = "sink write failed: " + writerError;
    for (int i = 0, n = batch.size(); i < n; i++) {
      Delivery d = batch.delivery(i);
      if (batch.duplicate(i)) {
        inFlight.settleCopy(d.message().getId());
      } else if (window != null) {
        inFlight.nacked(d.message().getId(), reason);
      }
      batch.owner(i).nack(d, reason);
    }
    backoff();
  }

  private void backoff() {
    if (!stopping) {
      intake.hold(Intake.BACKOFF);
      vertx.setTimer(Math.max(1, options.retryBackoff().toMillis()), id -> {
        if (!stopping) {
          intake.release(Intake.BACKOFF);
        }
      });
    }
  }

  /**
   * The minimum watermark over the edges (each upstream vertex's replicas, every upstream vertex of
   * a join), a gone upstream vertex's not counted ({@link EdgeSubscriber#inputWatermark}), kept monotonic.
   */
  private void updateWatermark() {
    long min = upstreams.inputWatermark();
    if (min != Long.MAX_VALUE && min > watermark) {
      watermark = min;
      metrics.watermark(index, watermark);
    }
  }

  public Future<InstanceHealth> health() {
    return OnContext.call(context, () -> new InstanceHealth(upstreams.connected(), writerError, upstreams.resolveError()));
  }

  public Future<JsonObject> status() {
    return OnContext.call(context, () -> {
      JsonArray edges = new JsonArray();
      for (EdgeSubscriber s : upstreams.subscribers()) {
        edges.add(s.status());
      }
      return new JsonObject().put("instance", index).put("written", written).put("duplicates", duplicates)
          .put("writeFailures", writeFailures).put("writerError", writerError).put("pending", pending.size())
          .put("pendingBytes", pending.bytes()).put("writing", inWrite.size()).put("writingBytes", inWrite.bytes())
          .put("held", intake.held()).put("dedupeIds", window == null ? 0 : window.size())
          .put("watermark", watermark).put("watermarkTime", Watermarks.format(watermark))
          .put("resolveError", upstreams.resolveError()).put("edges", edges)
          .put("upstreamVertices", upstreams.status());
    });
  }

  /**
   * Stops pulling, finishes the batches already taken (written and acked, or nacked), then
   * closes the edges, flushing their acks. Gives up waiting after {@code timeout}.
   */
  public Future<Void> shutdown(Duration timeout) {
    return OnContext.compose(context, () -> {
      if (stopped != null) {
        return stopped;
      }
      stopping = true;
      intake.stop();
      idle = Promise.promise();
      if (!writing && pending.size() == 0) {
        idle.tryComplete();
      } else if (!writing) {
        startWrite();
      }
      long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
        if (idle.tryComplete()) {
          LOG.warn("sink instance={} stop timed out with writes in flight pending={} writing={}", index, pending.size(),
              inWrite.size());
        }
      });
      stopped = idle.future().compose(v -> {
        vertx.cancelTimer(timer);
        LOG.info("sink instance={} stopping: closing edges written={} duplicates={} writeFailures={}", index, written,
            duplicates, writeFailures);
        return upstreams.close();
      });
      return stopped;
    });
  }
}
