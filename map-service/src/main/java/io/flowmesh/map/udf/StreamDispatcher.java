package io.flowmesh.map.udf;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Stream map ({@code MAP_MODE=stream-map}): as unary, one long-lived {@code MapFn} stream
 * carries every element as one request, but the UDF answers each id with 0..n
 * {@code MapResponse{id, results}} and then {@code MapResponse{id, status{eot}}}; many ids
 * are in flight at once and their responses interleave. An element completes at its EOT
 * with every result received for it, in arrival order.
 *
 * <p>Results are kept on the attempt ({@link Pending#partial}) until its EOT. An attempt taken
 * off the wire before that (a timeout, a broken stream, a violation) loses them with its id,
 * so a retry under a new id starts empty and nothing of a failed attempt reaches the output.
 * Connection, reconnection, timeouts, retries and the stall watch are unary's.
 *
 * <p>The official Java SDK 0.9.2 {@code MapStreamer} answers without ids: it handles one
 * request at a time, in the order sent, and ends each with an EOT. A response without id is
 * therefore the oldest unanswered attempt's on that stream. Such a stream is restarted when
 * one of its attempts times out, since its late answers could not be told from the next
 * attempt's.
 *
 * <h2>Concurrency</h2>
 * Confined to the client's event loop.
 */
final class StreamDispatcher extends UnaryDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(StreamDispatcher.class);

  /** The stream on which a response without id was seen, or null. */
  private MapFnStream withoutIds;

  StreamDispatcher(UdfClient client) {
    super(client);
  }

  /** A stream-map server answers a lone EOT with an EOT too: the batch-map probe cannot tell them apart. */
  @Override
  boolean probesForBatchMode() {
    return false;
  }

  @Override
  public void onResponse(MapFnStream s, MapAnswer response) {
    boolean eot = response.isEot();
    Pending p;
    if (!response.hasId()) {
      if (response.hasHandshake) {
        s.fail("stream-map: a second handshake response");
        return;
      }
      p = inFlight.oldestOn(s);
      if (p == null) {
        s.fail("stream-map: a response without id while no request is in flight: {" + response.describe() + "}");
        return;
      }
      if (withoutIds != s) {
        withoutIds = s;
        LOG.info("stream-map UDF answers without ids (as the Java SDK 0.9.2 does); its answers are taken in request order: address={}",
            client.address());
      }
    } else {
      p = inFlight.get(response.id);
      if (p == null || p.carrier != s) {
        unknown(s, response, eot);
        return;
      }
    }
    consecutiveFailures = 0;
    everAnswered = true;
    List<UdfResult> results = response.results;
    if (!results.isEmpty()) {
      List<UdfResult> held = p.partial;
      if (held == null) {
        p.partial = results; // kept as it is (nothing else holds it) until a second response needs a copy
      } else {
        if (!(held instanceof ArrayList)) {
          held = new ArrayList<>(held);
          p.partial = held;
        }
        held.addAll(results);
      }
    }
    if (eot) {
      List<UdfResult> all = p.partial == null ? List.of() : p.partial;
      client.outcomes().deliver(p, all, s.receivedNanos());
    }
  }

  /** A response for an id that is not in flight on {@code s}. */
  private void unknown(MapFnStream s, MapAnswer response, boolean eot) {
    long id = response.id;
    if (inFlight.isRetired(id)) {
      if (eot) {
        inFlight.takeRetired(id);
        stats.lateResponses++;
      }
      LOG.debug("Late stream-map response ignored: id={} eot={}", id, eot);
    } else if (inFlight.wasIssued(id)) {
      s.fail("stream-map: " + (eot ? "a second EOT" : "results") + " for id=" + id + " after its EOT");
    } else {
      s.fail("stream-map: " + (eot ? "an EOT" : "results") + " for id=" + response.idText() + ", which was never issued");
    }
  }

  @Override
  void afterTimeouts(long now) {
    if (stream != null && stream == withoutIds) {
      restart("stream-map: an attempt timed out on a stream whose responses carry no ids", now);
    }
  }
}
