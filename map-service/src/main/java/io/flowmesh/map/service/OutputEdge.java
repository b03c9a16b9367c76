package io.flowmesh.map.service;

import io.flowmesh.map.engine.Element;
import io.flowmesh.runtime.edge.AckListener;
import io.flowmesh.runtime.edge.EdgeMessage;
import io.flowmesh.runtime.edge.EdgeServer;
import io.flowmesh.runtime.edge.LogLimiter;
import io.flowmesh.runtime.edge.MessageTooLargeException;
import io.flowmesh.runtime.edge.OrphanWatch;
import io.flowmesh.runtime.edge.Watermarks;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The map vertex's downstream edge, shared by its instances so that any subscriber (the sink,
 * however many replicas it has) receives from every instance: one {@link EdgeServer} on its own
 * event loop. Its watermark is the lowest of the instances' watermarks.
 *
 * <p>When nobody has read the edge for {@code edge.orphan-timeout} (an {@link OrphanWatch}), the
 * queued outputs are taken back and handed to their instances, which nack the inputs upstream and
 * stop taking input until a subscriber appears; outputs arriving meanwhile go the same way.
 *
 * <h2>Concurrency</h2>
 * Used only on the edge's event loop ({@link InstancePort} hops there).
 */
final class OutputEdge implements OrphanWatch.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(OutputEdge.class);

  private final EdgeServer server;
  private final long[] watermarks;
  private final List<InstancePort> ports = new ArrayList<>();
  private final LogLimiter tooLargeLog = new LogLimiter(10_000);
  private final AckListener takeBack = (m, attachment, reply) -> giveBack((Element) attachment);
  private OrphanWatch watch;
  private String orphanReason;

  OutputEdge(EdgeServer server, int instances) {
    this.server = server;
    this.watermarks = new long[instances];
    Arrays.fill(watermarks, Watermarks.NONE);
    server.ackListener((m, attachment, reply) -> {
      Element e = (Element) attachment;
      ((InstancePort) e.owner()).ackedOnEdgeLoop(e, reply);
    });
  }

  EdgeServer server() {
    return server;
  }

  /** Watches for an edge nobody reads (started once the edge listens). */
  void watch(OrphanWatch w) {
    this.watch = w;
  }

  OrphanWatch orphanWatch() {
    return watch;
  }

  /** An instance's port, told when the edge is orphaned and read again. */
  void register(InstancePort port) {
    ports.add(port);
    if (orphanReason != null) {
      port.orphanedOnEdgeLoop(orphanReason);
    }
  }

  void accept(int instance, List<Element> from, List<EdgeMessage> outputs, long watermark) {
    if (orphanReason != null) {
      for (int i = 0, n = from.size(); i < n; i++) {
        giveBack(from.get(i));
      }
      flushGivenBack(orphanReason);
    } else {
      // Over the bound too: each instance stops dispatching once map.output-capacity outputs wait, but
      // elements already in the UDF may answer with many outputs each (a flatmap). They exist already;
      // refusing them would free nothing. The instances take no new input until the queue drains.
      boolean closing = false;
      String tooLarge = null;
      for (int i = 0, n = outputs.size(); i < n; i++) {
        try {
          if (!server.offerOverBound(outputs.get(i), from.get(i))) {
            giveBack(from.get(i));
            closing = true;
          }
        } catch (MessageTooLargeException e) {
          // An output the edge may not carry: its input goes back upstream, so nothing is lost and the
          // rest of the turn still leaves; delivered again, it fails the same way until the UDF or the
          // limit changes, and says so here.
          giveBack(from.get(i));
          tooLarge = "an output of the UDF is over the map's output edge limit: " + e.getMessage();
          if (tooLargeLog.allow()) {
            LOG.warn("{}; its input is given back upstream{}", tooLarge, tooLargeLog.suppressedSuffix());
          }
        }
      }
      if (closing) {
        flushGivenBack("map's output edge is closing (the vertex stops)");
      }
      if (tooLarge != null) {
        flushGivenBack(tooLarge);
      }
    }
    if (watermark > watermarks[instance]) {
      watermarks[instance] = watermark;
      long min = Long.MAX_VALUE;
      for (long w : watermarks) {
        min = Math.min(min, w);
      }
      server.watermark(min);
    }
  }

  @Override
  public void orphaned(boolean orphaned) {
    if (orphaned) {
      orphanReason = "no subscriber on map's output edge for " + watch.unsubscribedFor().toSeconds() + "s (edge.orphan-timeout)";
      int queued = server.queued();
      LOG.warn("no subscriber on the output edge for {}s: giving back the inputs of {} queued outputs upstream and taking no "
          + "input until a subscriber appears (edge.orphan-timeout)", watch.unsubscribedFor().toSeconds(), queued);
    } else {
      orphanReason = null;
      LOG.info("a subscriber reads the output edge again: taking input");
    }
    for (InstancePort p : ports) {
      p.orphanedOnEdgeLoop(orphanReason);
    }
    if (orphaned) {
      sweep();
    }
  }

  @Override
  public void sweep() {
    if (server.takeQueued(takeBack) > 0) {
      flushGivenBack(orphanReason);
    }
  }

  private void giveBack(Element e) {
    ((InstancePort) e.owner()).givenBackOnEdgeLoop(e);
  }

  private void flushGivenBack(String reason) {
    for (InstancePort p : ports) {
      p.flushGivenBack(reason);
    }
  }

  /** For {@code /status}. */
  JsonObject status() {
    return server.status().put("subscription", watch == null ? null : watch.status());
  }
}
