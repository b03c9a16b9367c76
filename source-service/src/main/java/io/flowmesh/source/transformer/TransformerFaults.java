package io.flowmesh.source.transformer;

import io.flowmesh.runtime.udf.StreamEnd;
import io.flowmesh.runtime.udf.UdfHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What went wrong with the source transformer, named once: each ended stream and each failed
 * read of the server-info file becomes a fault ({@code unreachable}, {@code server-info},
 * {@code handshake}, {@code unknown-id}, {@code malformed}, {@code timeout}, {@code status},
 * {@code transport}), counted in {@code flowmesh_source_transformer_errors_total{fault}}, reported
 * to {@link UdfHealth} for {@code /readyz}, and logged in one line naming the transformer and the
 * fault: a protocol violation or a bad server-info file at ERROR, a stream that ended otherwise at
 * WARN; the same fault again is logged at DEBUG until the transformer answers properly.
 *
 * <h2>Concurrency</h2>
 * Confined to the source verticle's event loop.
 */
final class TransformerFaults {

  private static final Logger LOG = LoggerFactory.getLogger(TransformerFaults.class);

  private final UdfHealth health;
  private final TransformerMetrics metrics;
  /** The fault last logged above DEBUG; the same fault again is logged at DEBUG until {@link #answered()}. */
  private String lastLogged;
  /** What is wrong with the server-info file, or null. */
  private String serverInfoProblem;

  TransformerFaults(UdfHealth health, TransformerMetrics metrics) {
    this.health = health;
    this.metrics = metrics;
  }

  /** The transformer answered properly: a fault after this is logged above DEBUG again. */
  void answered() {
    lastLogged = null;
    health.answered();
  }

  /**
   * A stream ended ({@code opened}: it had got its handshake answer); {@code inFlight} messages in
   * it are sent again on the next stream. Returns the fault's name.
   */
  String ended(StreamEnd end, boolean opened, int inFlight) {
    boolean violation = end.kind() == StreamEnd.Kind.VIOLATION && !cutOff(end);
    String fault = fault(end, violation, opened);
    metrics.error(fault);
    if (fault.equals("unreachable")) {
      health.unreachable(end.detail());
    } else if (violation) {
      health.violation(end.detail());
      (again(fault) ? LOG.atDebug() : LOG.atError()).log("{} at {} broke the sourcetransformer.v1 protocol ({}): {}; "
          + "{} message(s) in flight are sent again on a new stream", TransformStage.KIND, health.address(), fault, end.detail(), inFlight);
    } else {
      health.unreachable(end.toString());
      (again(fault) ? LOG.atDebug() : LOG.atWarn()).log("{} at {} stream ended ({}): {}; {} message(s) in flight are sent again "
          + "on a new stream", TransformStage.KIND, health.address(), fault, end, inFlight);
    }
    return fault;
  }

  /**
   * The server-info file {@code file} could not be read or is not a source transformer's:
   * {@code why} (a {@link io.flowmesh.runtime.udf.ServerInfoReader} failure names the file itself).
   */
  void serverInfoFailed(String file, String cause, long retryMillis) {
    metrics.error("server-info");
    String why = cause.replaceAll("\\s*\\R\\s*", " "); // one line (a JSON parser's message spans two)
    String generic = "UDF server-info file " + file;
    serverInfoProblem = TransformStage.KIND + " " + (why.startsWith(generic) ? why.substring("UDF ".length())
        : "server-info file " + file + ": " + why) + "; nothing is sent to the transformer until it is right";
    (again("server-info " + why) ? LOG.atDebug() : LOG.atError()).log("{} (read again in {}ms, then with backoff)", serverInfoProblem, retryMillis);
  }

  /** The server-info file was read and is right. */
  void serverInfoRead() {
    serverInfoProblem = null;
    lastLogged = null;
  }

  /** The problem for {@code /readyz}: the server-info file's, else the health's; null when none. */
  String problem() {
    return serverInfoProblem != null ? serverInfoProblem : health.problem();
  }

  private boolean again(String fault) {
    boolean again = fault.equals(lastLogged);
    lastLogged = fault;
    return again;
  }

  /** A stream cut off without its trailers (the transformer died, say kill -9): it went away, it broke no rule. */
  private static boolean cutOff(StreamEnd end) {
    return end.detail().startsWith("the stream ended");
  }

  private static String fault(StreamEnd end, boolean violation, boolean opened) {
    String d = end.detail();
    if (violation) {
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
    if (!opened) {
      return "unreachable";
    }
    return end.kind() == StreamEnd.Kind.STATUS ? "status" : "transport";
  }
}
